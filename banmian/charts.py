"""Charts: a CJK font for matplotlib and word clouds, figure saving, the kit's plots."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import CACHE_DIR, ROOT, display_path, output_file
from .remembered import frame_digest, remembered_analysis
from .trends import FREQUENCIES

__all__ = ["TablePreview", "SHIPPED_FONT", "font_path", "setup_fonts", "save_figure", "plot_article_lengths", "plot_top_terms",
           "plot_trends", "plot_dispersion", "plot_moving_terms",
           "word_cloud", "export_text", "export_csv", "html_escape", "preview", "plot_formulations"]

SHIPPED_FONT = ROOT / "fonts" / "NotoSansSC-Regular.otf"


def font_path() -> Path:
    """The CJK font the kit draws with: $BANMIAN_FONT if set, else the shipped Noto Sans SC."""
    chosen = os.environ.get("BANMIAN_FONT")
    path = Path(chosen) if chosen else SHIPPED_FONT
    if not path.is_file():
        raise FileNotFoundError(f"{path}: CJK font not found (set BANMIAN_FONT to a .ttf/.otf file)")
    return path


def setup_fonts() -> str:
    """Make matplotlib draw Chinese with :func:`font_path`; returns the font's family name."""
    import matplotlib
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


def _nothing_to_plot(ax, what: str):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 1.2))
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"nothing to plot: {what}", ha="center", va="center")
    return ax


def save_figure(fig, name: str) -> str:
    """Save a figure as ``output/figures/NAME.png``; returns that path, relative to the project.
    In a notebook (matplotlib's inline backend) the saved picture is also what the cell shows,
    at the size the backend would give it: the figure is drawn once, not a second time for the
    notebook."""
    import matplotlib

    target = output_file("figures", name, ".png")
    fig.savefig(target, dpi=150, bbox_inches="tight")
    if "inline" in matplotlib.get_backend():
        import matplotlib.pyplot as plt
        from IPython.display import Image, display

        width = int.from_bytes(target.read_bytes()[16:20], "big")  # the PNG header's width, in pixels
        display(Image(filename=str(target), width=round(width * matplotlib.rcParams["figure.dpi"] / 150)))
        plt.close(fig)
    return display_path(target)


def plot_article_lengths(articles: pd.DataFrame, n: int = 40, ax=None):
    """Horizontal bars: characters per article, one bar per edition, headlines as labels;
    the ``n`` longest articles when there are more."""
    import matplotlib.pyplot as plt

    setup_fonts()
    if articles.empty:
        return _nothing_to_plot(ax, "no articles")
    table = articles.pivot_table(index="headline", columns="edition", values="chars", aggfunc="sum")
    table = table.loc[table.max(axis=1).sort_values().index[-n:]]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.45 * len(table) + 1.5))
    table.plot.barh(ax=ax, width=0.8)
    ax.set_xlabel("字数 characters")
    ax.set_ylabel("")
    shown = "" if len(table) == articles["headline"].nunique() else f" ({len(table)} longest)"
    ax.set_title(f"每篇文章的字数 · characters per article and edition{shown}")
    ax.legend(title="edition")
    return ax


def plot_top_terms(frequencies: pd.DataFrame, n: int = 20, ax=None, title: str = "最常见的词 · most frequent terms"):
    """Horizontal bar chart of the ``n`` most frequent terms of a :func:`term_frequencies` table
    (if it is grouped by edition, one bar per edition)."""
    import matplotlib.pyplot as plt

    setup_fonts()
    if frequencies.empty:
        return _nothing_to_plot(ax, "no terms counted")
    group = [c for c in ("edition",) if c in frequencies.columns]
    totals = frequencies.groupby("token")["count"].sum().nlargest(n)
    table = (frequencies[frequencies["token"].isin(totals.index)]
             .pivot_table(index="token", columns=group or None, values="count", aggfunc="sum", fill_value=0)
             if group else frequencies.set_index("token").loc[totals.index, ["count"]])
    table = table.loc[totals.sort_values().index]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.32 * len(table) + 1.5))
    table.plot.barh(ax=ax, width=0.8, legend=bool(group))
    ax.set_xlabel("次数 count")
    ax.set_ylabel("")
    ax.set_title(title)
    return ax


def plot_formulations(found: pd.DataFrame, ax=None):
    """Horizontal bars: occurrences of each numbered formulation (label "formulation") per
    edition, from a :func:`helpers.find_formulations` table."""
    import matplotlib.pyplot as plt

    setup_fonts()
    kept = found[found["label"] == "formulation"]
    if kept.empty:
        return _nothing_to_plot(ax, "no numbered formulation found")
    counts = kept.pivot_table(index="term", columns="edition", values="start", aggfunc="count", fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values().index[-40:]]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.3 * len(counts) + 1.5))
    counts.plot.barh(ax=ax, width=0.8)
    ax.set_xlabel("次数 occurrences")
    ax.set_ylabel("")
    ax.set_title("数字式提法 · numbered formulations per edition")
    return ax


def word_cloud(frequencies: pd.DataFrame, max_words: int = 150, ax=None, seed: int = 1):
    """A word cloud drawn with the kit's CJK font from a :func:`term_frequencies` table
    (counts summed over any groups). Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt
    import wordcloud

    weights = frequencies.groupby("token")["count"].sum().nlargest(max_words)
    if weights.empty:
        return _nothing_to_plot(ax, "no terms counted")
    font = font_path()
    image = _cloud_image(weights, max_words, seed, str(font), hashlib.sha256(font.read_bytes()).hexdigest(),
                         wordcloud.__version__)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 6))
    ax.imshow(image, interpolation="bilinear")
    ax.set_axis_off()
    return ax


@remembered_analysis
def _cloud_image(weights: pd.Series, max_words: int, seed: int, font: str, font_digest: str, version: str) -> np.ndarray:
    """The word cloud's pixels (kept by content: the same counts, font and wordcloud give the same picture)."""
    from wordcloud import WordCloud

    cloud = WordCloud(font_path=font, width=1200, height=700, background_color="white", max_words=max_words,
                      random_state=seed, collocations=False).generate_from_frequencies(weights.to_dict())
    return cloud.to_array()


def export_text(text: str, name: str) -> str:
    """Write plain text to ``output/texts/NAME.txt`` (UTF-8); returns the path, relative to the project."""
    target = output_file("texts", name, ".txt")
    target.write_text(text, encoding="utf-8")
    return display_path(target)


def html_escape(text: str) -> str:
    """Page text made safe to put into HTML."""
    import html

    return html.escape(str(text))


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells as "、"-joined text (only columns of Python objects can hold lists)."""
    lists = {c: frame[c].map(lambda v: "、".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
             for c in frame.columns if frame[c].dtype == object
             and pd.api.types.infer_dtype(frame[c], skipna=True) != "string"}  # text alone holds no list
    return frame.assign(**lists) if lists else frame


def export_csv(frame: pd.DataFrame, name: str) -> str:
    """Write a table to ``output/tables/NAME.csv`` as UTF-8 with BOM, so Excel shows the
    Chinese; list cells become "、"-joined text. Returns the path, relative to the project.
    A rerun with the same table leaves the file alone when it is still the one written then
    (same size and time stamp; ``.cache/exports`` remembers them)."""
    target = output_file("tables", name, ".csv")
    digest = frame_digest(frame) if frame.columns.is_unique else None
    record = CACHE_DIR / "exports" / (hashlib.sha256(os.path.abspath(target).encode("utf-8")).hexdigest()[:24] + ".json")
    if digest and _written(target, record) == digest:
        return display_path(target)
    _flat(frame).to_csv(target, index=False, encoding="utf-8-sig")
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        stat = target.stat()
        record.write_text(json.dumps({"digest": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}),
                          encoding="utf-8")
    except OSError:
        pass
    return display_path(target)


def _written(target: Path, record: Path) -> str | None:
    """The digest of the table last written to ``target``, if the file is unchanged since."""
    try:
        kept, stat = json.loads(record.read_text(encoding="utf-8")), target.stat()
    except (OSError, ValueError):
        return None
    return kept.get("digest") if (kept.get("size"), kept.get("mtime_ns")) == (stat.st_size, stat.st_mtime_ns) else None


class TablePreview:
    """A table as a notebook shows it (:func:`preview`): sortable and searchable in the notebook
    and in the shared HTML (DataTables through ITables, offline: the library travels inside the
    first table a kernel shows), with its first rows readable as plain HTML where no JavaScript
    runs (a code forge's notebook view), and a caption that links the whole table as CSV."""

    _library_shown = False  # the first table of a kernel carries the DataTables library

    def __init__(self, frame: pd.DataFrame, caption: str, table_id: str, rows: int, text: str):
        self.frame, self.caption, self.table_id, self.rows, self.text = frame, caption, table_id, rows, text

    def _repr_html_(self) -> str:
        from itables import javascript, to_html_datatable

        table = to_html_datatable(self.frame, caption=self.caption, table_id=self.table_id, connected=False,
                                  display_logo_when_loading=False, maxBytes=_INTERACTIVE_BYTES,
                                  pageLength=self.rows, classes="display nowrap compact")
        if TablePreview._library_shown:
            return table
        TablePreview._library_shown = True
        from itables.options import dt_bundle

        return javascript.generate_init_offline_itables_html(dt_bundle) + table

    def __repr__(self) -> str:
        return self.text


_INTERACTIVE_BYTES = 256 * 1024  # a longer table is thinned by ITables (it says so); the CSV holds it whole


def preview(frame: pd.DataFrame, name: str, rows: int = 20) -> TablePreview:
    """A table for a notebook: written whole to ``output/tables/NAME.csv`` and shown as an
    interactive table (sort, search, pages of ``rows`` rows) that works offline in the shared
    HTML, its first rows readable without JavaScript. The caption says how many rows there are
    and links the CSV as ``../tables/NAME.csv``, where it lies beside the HTML that ``make`` and
    ``make report`` write (``html/`` and ``tables/`` side by side)."""
    path = export_csv(frame, name)
    caption = f'{len(frame):,} rows; the whole table: <a href="../tables/{html_escape(name)}.csv">{html_escape(path)}</a>'
    table_id = "itables_" + hashlib.sha1(f"{name}\0{len(frame)}".encode("utf-8")).hexdigest()[:10]  # stable ids
    return TablePreview(_flat(frame).reset_index(drop=True), caption, table_id, rows,
                        f"{len(frame):,} rows of {name}; the whole table: {path}")


def plot_trends(trends: pd.DataFrame, measure: str = "per_10k", smooth: int | None = None, ax=None):
    """Lines of several terms over time from a :func:`term_trends` table; ``measure`` is
    per_10k, share_of_articles or count; ``smooth`` a centred moving average over that many
    periods. Periods without pages stay gaps in the line."""
    import matplotlib.pyplot as plt

    setup_fonts()
    if trends.empty:
        return _nothing_to_plot(ax, "no dated articles")
    wide = trends.pivot(index="start", columns="term", values=measure).astype(float)
    gaps = trends.groupby("start")["articles"].first() == 0
    if smooth:
        wide = wide.rolling(smooth, center=True, min_periods=1).mean()
        wide[gaps.reindex(wide.index).to_numpy()] = np.nan
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    wide.plot(ax=ax, marker="o" if len(wide) <= 40 else None)
    labels = {"per_10k": "每万词 per 10,000 tokens", "share_of_articles": "含该词的文章比例 share of articles",
              "count": "次数 occurrences"}
    ax.set_ylabel(labels.get(measure, measure))
    ax.set_xlabel("")
    unit = FREQUENCIES.get(trends.attrs.get("freq", ""), "period")
    ax.set_title(f"词语趋势 · terms per {unit}" + (f" (moving average of {smooth})" if smooth else ""))
    ax.legend(title="")
    return ax


def plot_dispersion(occurrences: pd.DataFrame, ax=None):
    """One row per term, a tick at the date of each occurrence, across the corpus's whole
    timeline (from a :func:`dispersion` table)."""
    import matplotlib.pyplot as plt

    setup_fonts()
    terms = occurrences.attrs.get("terms") or list(occurrences["term"].unique())
    if not terms or occurrences.attrs.get("first_date") is None:
        return _nothing_to_plot(ax, "no dated articles")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.5 * len(terms) + 1.2))
    for y, term in enumerate(terms):
        dates = occurrences.loc[occurrences["term"] == term, "date"]
        ax.plot(dates, [y] * len(dates), "|", markersize=14, markeredgewidth=1.2)
    ax.set_yticks(range(len(terms)), terms)
    ax.set_ylim(-0.7, len(terms) - 0.3)
    ax.invert_yaxis()
    ax.set_xlim(occurrences.attrs["first_date"] - pd.Timedelta(days=1),
                occurrences.attrs["last_date"] + pd.Timedelta(days=1))
    ax.set_title("出现位置 · where each occurrence falls on the timeline")
    return ax


def plot_moving_terms(moving: pd.DataFrame, n: int = 12, ax=None):
    """Bars of the binary log ratio of the newest period against the periods before it, for the
    ``n`` strongest rising and falling terms of a :func:`banmian.moving.moving_terms` table
    (1 means twice as frequent as before, -1 half as frequent)."""
    import matplotlib.pyplot as plt

    setup_fonts()
    if moving.empty:
        return _nothing_to_plot(ax, "one period only: nothing to compare")
    shown = pd.concat([moving[moving["direction"] == d].head(n) for d in ("rising", "falling")])
    shown = shown.sort_values("log_ratio")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.32 * len(shown) + 1.2))
    colours = np.where(shown["log_ratio"] > 0, "#b2182b", "#2166ac")
    ax.barh(shown["token"], shown["log_ratio"], color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("log₂ ratio of the rates, newest period against the ones before")
    ax.set_title("升降的词 · terms rising and falling " + moving.attrs.get("description", ""))
    return ax
