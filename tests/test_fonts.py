import warnings

import helpers


def test_shipped_font_draws_chinese_without_missing_glyphs(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assert helpers.setup_fonts() == "Noto Sans SC"
    fig, ax = plt.subplots()
    ax.set_title("葫芦岛社区党建引领基层治理观察 “五多” 三会一课")
    ax.bar(["社区", "居民", "党员"], [3, 2, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for tofu
        fig.savefig(tmp_path / "zh.png")
    plt.close(fig)
    assert (tmp_path / "zh.png").stat().st_size > 5000


def test_font_can_be_overridden_and_a_wrong_path_is_named(monkeypatch, tmp_path):
    import pytest
    monkeypatch.setenv("BANMIAN_FONT", str(tmp_path / "nope.ttf"))
    with pytest.raises(FileNotFoundError, match="nope.ttf: CJK font not found"):
        helpers.font_path()


def test_article_length_chart_takes_the_articles_frame(seed_articles):
    import matplotlib
    matplotlib.use("Agg")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = helpers.plot_article_lengths(seed_articles)
        ax.figure.canvas.draw()
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert "“五多”社区如何焕新生？" in labels and len(labels) == 7
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"A", "B"}
