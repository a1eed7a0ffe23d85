"""newstrace: trace where news text came from.

>>> import newstrace
>>> a = newstrace.Article.from_text("Some text.")
>>> a.text
'Some text.'
"""

from __future__ import annotations

from .errors import ConfigError, InputError, NewstraceError, StoreError
from .model import Article, OffsetMap, Origin, Rejection, Segment, Span

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConfigError",
    "InputError",
    "NewstraceError",
    "OffsetMap",
    "Origin",
    "Rejection",
    "Segment",
    "Span",
    "StoreError",
    "__version__",
]
