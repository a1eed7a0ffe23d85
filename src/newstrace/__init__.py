"""newstrace: trace where news text came from.

>>> import newstrace
>>> a = newstrace.Article.from_text("Some text.")
>>> a.text
'Some text.'
"""

from __future__ import annotations

from .errors import ConfigError, InputError, NewstraceError, StoreError
from .model import Article, OffsetMap, Origin, Rejection, Segment, Span
from .read import ReadSettings, read  # the functions shadow their module names on purpose: newstrace.read(...)
from .ingest import IngestReport, ingest
from .store import Store
from .quotes import Credit, Quote, credits, match_quotes, quotes  # newstrace.quotes(...) shadows the package
from .stories import StoryClusterer, same_story, story_similarity
from .provenance import Link, link, story_graph
from .reuse import Reuse, compare

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConfigError",
    "Credit",
    "IngestReport",
    "InputError",
    "Link",
    "NewstraceError",
    "OffsetMap",
    "Origin",
    "Quote",
    "ReadSettings",
    "Rejection",
    "Reuse",
    "Segment",
    "Span",
    "Store",
    "StoreError",
    "StoryClusterer",
    "__version__",
    "compare",
    "credits",
    "ingest",
    "link",
    "match_quotes",
    "quotes",
    "read",
    "same_story",
    "story_graph",
    "story_similarity",
]
