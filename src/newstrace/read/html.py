"""HTML pages through trafilatura: main text, title, date and site name; scripts and navigation never reach text.

The source that offsets refer to is the text trafilatura extracted (it starts with the headline, which is
peeled into ``title`` with the map adjusted).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import Iterator

import trafilatura

from .base import Item, Source, build_article, read_one, reject
from .dates import parse_date
from .decode import DecodeFailure, decode, repair_text
from .plaintext import parse_plain
from .settings import ReadSettings

__all__ = ["html_item", "published_time", "read_html"]

# Publication time as pages state it: Open Graph / article meta tags and schema.org JSON-LD. trafilatura keeps only
# the day; the time orders same-day reports, which provenance needs.
_META_TIME = re.compile(
    r"""<meta\b[^>]*?(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|og:published_time|"""
    r"""datePublished|publishdate|pubdate|dc\.date\.issued)["'][^>]*?content\s*=\s*["']([^"']+)["']"""
    r"""|<meta\b[^>]*?content\s*=\s*["']([^"']+)["'][^>]*?(?:property|name|itemprop)\s*=\s*["']"""
    r"""(?:article:published_time|og:published_time|datePublished|publishdate|pubdate|dc\.date\.issued)["']"""
    r'|"datePublished"\s*:\s*"([^"]+)"',
    re.I,
)
HEAD_CHARS = 200_000  # where to look for the tags: the head, or JSON-LD early in the body


def read_html(src: Source, settings: ReadSettings) -> Iterator[Item]:
    """One article from an HTML file."""
    return read_one(src, settings, html_item)


def html_item(src: Source, settings: ReadSettings, data: bytes, *, where: dict[str, int | None] | None = None,
              url: str | None = None, published: dt.date | dt.datetime | None = None) -> Item:
    """Extract one page; ``url`` and ``published`` (say from a WARC record) are used when the page lacks them."""
    where = where or {}
    try:
        html = decode(data).text
    except DecodeFailure as e:
        return reject(src, e.reason, e.detail, **where)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                              include_tables=True, deduplicate=False)
        except Exception as e:  # noqa: BLE001 (trafilatura/lxml raise many kinds on hostile markup)
            return reject(src, "malformed", f"HTML extraction failed: {type(e).__name__}", **where)
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        return reject(src, "empty", "no main text found in the page", **where)
    title = repair_text(doc.title) if doc.title else None
    day = parse_date(doc.date)
    exact = published_time(html)
    if exact is not None and (day is None or exact.date() == day):
        day = exact
    p = parse_plain(doc.text, repair=settings.repair_mojibake, headers=False, title=title)
    return build_article(
        src, settings, text=p.text, offsets=p.offsets, where=where, outlet=doc.sitename or doc.hostname,
        url=doc.url or url, title=title, published=day or published, extras=p.extras,
    )


def published_time(html: str) -> dt.datetime | None:
    """The first full publication datetime stated in the page's meta tags or JSON-LD, or None.

    >>> published_time('<meta property="article:published_time" content="2025-03-11T19:40:00+00:00">').hour
    19
    """
    for m in _META_TIME.finditer(html, 0, HEAD_CHARS):
        value = parse_date(next(g for g in m.groups() if g))
        if isinstance(value, dt.datetime):
            return value
    return None
