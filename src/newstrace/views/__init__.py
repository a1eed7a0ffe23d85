"""Read-only view model for the faces (report and web app): stories, links, passages, quotes and credits.

Each stage is read from the store when a table holds its results, computed on the fly with the library
functions when the store is small (at most ``compute_limit`` articles), and otherwise reported as not computed,
so a missing stage empties one section instead of breaking the page. All offsets are *body* offsets into
``Article.text`` (what the faces highlight). Stored stages are read from the tables of :mod:`newstrace.pipeline`
(``newstrace trace``) when they hold rows, or else from this plainer layout (every column is read by name;
extra columns are ignored; see :data:`STAGE_SOURCES`)::

    CREATE TABLE stories (story VARCHAR, article VARCHAR);        -- one row per article
    CREATE TABLE links (a VARCHAR, b VARCHAR, direction VARCHAR,   -- 'a->b' | 'b->a' | 'common-source' | 'unknown'
        confidence DOUBLE, credited BOOLEAN, churn DOUBLE, common_source VARCHAR, evidence JSON);
    CREATE TABLE passages (a VARCHAR, b VARCHAR, a_start BIGINT, a_end BIGINT, b_start BIGINT, b_end BIGINT,
        kind VARCHAR, similarity DOUBLE);                          -- kind: verbatim | edited | paraphrase
    CREATE TABLE reuse (a VARCHAR, b VARCHAR, a_share DOUBLE, b_share DOUBLE);
    CREATE TABLE quotes (article VARCHAR, start BIGINT, "end" BIGINT, kind VARCHAR, speaker VARCHAR,
        role VARCHAR);                                             -- speaker: the resolved name
    CREATE TABLE credits (article VARCHAR, outlet VARCHAR, kind VARCHAR, start BIGINT, "end" BIGINT);
    CREATE TABLE quote_matches (a VARCHAR, b VARCHAR, a_start BIGINT, a_end BIGINT, b_start BIGINT,
        b_end BIGINT, match VARCHAR, diff JSON, misattributed BOOLEAN, speaker_a VARCHAR, speaker_b VARCHAR);

>>> from newstrace.store import Store
>>> v = Views(Store(":memory:"))
>>> v.stories(), v.status()["links"]
([], 'computed')
"""

from __future__ import annotations

from .compute import article_credits, article_quotes, compare_pair, compute_links, match_pair
from .core import COMPUTE_LIMIT, Views
from .model import (ArticleRef, CreditView, LinkView, PairView, PassageView, QuoteMatchView, QuoteView, StoryView,
                    safe_url)
from .sources import STAGE_SOURCES

__all__ = ["COMPUTE_LIMIT", "STAGE_SOURCES", "ArticleRef", "CreditView", "LinkView", "PairView", "PassageView",
           "QuoteMatchView", "QuoteView", "StoryView", "Views", "article_credits", "article_quotes", "compare_pair",
           "compute_links", "match_pair", "safe_url"]
