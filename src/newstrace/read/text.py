"""Plain-text files, one article per file (see :mod:`newstrace.read.plaintext` for the parsing)."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from .base import Item, Source, build_article, read_one, reject
from .decode import DecodeFailure, decode
from .plaintext import parse_plain
from .settings import ReadSettings

__all__ = ["read_text", "text_item"]


def read_text(src: Source, settings: ReadSettings) -> Iterator[Item]:
    """One article from a text file."""
    return read_one(src, settings, text_item)


def text_item(src: Source, settings: ReadSettings, data: bytes, *, where: dict[str, int | None] | None = None,
              url: str | None = None, published: dt.date | dt.datetime | None = None) -> Item:
    """Decode and parse one text article; ``url``/``published`` are fallbacks (say from a WARC record)."""
    try:
        decoded = decode(data)
    except DecodeFailure as e:
        return reject(src, e.reason, e.detail, **(where or {}))
    p = parse_plain(decoded.text, repair=settings.repair_mojibake)
    return build_article(src, settings, text=p.text, offsets=p.offsets, where=where, outlet=p.outlet,
                         url=p.url or url, title=p.title, published=p.published or published, extras=p.extras)
