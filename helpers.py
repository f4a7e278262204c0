"""版面 banmian: load, clean and split Chinese newspaper pages into tidy tables.

Five lines to get going (from a notebook in ``notebooks/``)::

    import helpers
    pages = helpers.load_pages()            # one row per page file in corpus/
    articles = helpers.split_articles(pages)  # one row per article
    articles[["edition", "headline", "reporters", "chars"]]
    helpers.clean_text("本报讯(记者 曹欣怡)6月18日,由")  # '本报讯（记者 曹欣怡）6月18日，由'

Every analysis returns a pandas DataFrame; plotting functions take those frames.
Nothing here writes into ``seeds/`` or ``corpus/``: derived files go to ``output/``
and ``.cache/``, both ignored by git.

The code lives in the ``banmian`` package, in layers (``docs/layout.md``): text (paths,
decoding, keyed_rows); page files; pages (credit_lines, page_parser, pages); article sources
(sources, article_cache); segmentation (dictionary, formulation_lists, expansions, numerals,
numbered_terms, segmenter); the token store (token_table, coded_tokens, token_files, workers,
tokens, scale, store); analyses (frequencies, concordance, slogans, the formulation modules, timeline, trends, editions,
edition_views, witnesses, reprints, moving, runs); charts. This module gathers their public names under one
name for notebooks: ``import helpers``.
"""
from banmian.paths import *  # noqa: F401,F403
from banmian.decoding import *  # noqa: F401,F403
from banmian.page_files import *  # noqa: F401,F403
from banmian.page_parser import *  # noqa: F401,F403
from banmian.pages import *  # noqa: F401,F403
from banmian.sources import *  # noqa: F401,F403
from banmian.dictionary import *  # noqa: F401,F403
from banmian.formulation_lists import *  # noqa: F401,F403
from banmian.numbered_terms import *  # noqa: F401,F403
from banmian.segmenter import *  # noqa: F401,F403
from banmian.token_table import *  # noqa: F401,F403
from banmian.tokens import *  # noqa: F401,F403
from banmian.frequencies import *  # noqa: F401,F403
from banmian.concordance import *  # noqa: F401,F403
from banmian.slogans import *  # noqa: F401,F403
from banmian.formulations import *  # noqa: F401,F403
from banmian.formulation_model import *  # noqa: F401,F403
from banmian.formulation_evaluation import *  # noqa: F401,F403
from banmian.trends import *  # noqa: F401,F403
from banmian.moving import *  # noqa: F401,F403
from banmian.runs import *  # noqa: F401,F403
from banmian.editions import *  # noqa: F401,F403
from banmian.edition_views import *  # noqa: F401,F403
from banmian.witnesses import *  # noqa: F401,F403
from banmian.reprints import *  # noqa: F401,F403
from banmian.charts import *  # noqa: F401,F403
