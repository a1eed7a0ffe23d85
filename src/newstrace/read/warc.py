"""WARC and WARC.gz files through warcio. HTML responses go through the HTML reader.

Counted records are ``response``, ``resource`` and ``conversion`` records; ``warcinfo``, ``request`` and
``metadata`` records describe other records and are not articles. The record's target URI becomes ``url`` and
its WARC-Date the fallback ``published``. A damaged or cut-off file keeps every record before the damage and
adds one ``truncated`` rejection.
"""

from __future__ import annotations

from typing import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .base import DAMAGE, Item, Source, reject
from .dates import parse_date
from .html import html_item
from .settings import ReadSettings
from .text import text_item

__all__ = ["read_warc"]

_CONTENT = {"response", "resource", "conversion"}


def read_warc(src: Source, settings: ReadSettings) -> Iterator[Item]:
    """Articles from the content records of a WARC file."""
    n, offset = 0, 0
    with src.open() as f:
        it = ArchiveIterator(f, arc2warc=True)
        try:
            for rec in it:
                if rec.rec_type not in _CONTENT:
                    continue
                n += 1
                data = rec.content_stream().read(settings.max_article_bytes + 1)
                offset = it.get_record_offset()  # only after the content: it reads the record to its end
                yield _record(src, settings, rec, data, {"record": n, "offset": offset})
        except (ArchiveLoadFailed, *DAMAGE, AttributeError, ValueError, KeyError, IndexError) as e:
            # warcio meets damaged headers with whatever the parsing line happened to raise
            reason = "truncated" if n else "malformed"
            yield reject(src, reason, f"{type(e).__name__}: {str(e)[:200]}", record=n + 1)


def _record(src: Source, settings: ReadSettings, rec, data: bytes,  # noqa: ANN001 (a warcio record)
            where: dict[str, int | None]) -> Item:
    url = rec.rec_headers.get_header("WARC-Target-URI")
    published = parse_date(rec.rec_headers.get_header("WARC-Date"))
    if rec.http_headers is not None:
        status = rec.http_headers.get_statuscode()
        ctype = rec.http_headers.get_header("Content-Type") or ""
        if status and status != "200":
            return reject(src, "unsupported", f"HTTP status {status} for {url}", **where)
    else:
        ctype = rec.rec_headers.get_header("Content-Type") or ""
    if len(data) > settings.max_article_bytes:
        return reject(src, "too-large", f"more than {settings.max_article_bytes:,} bytes", **where)
    ctype = ctype.split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml") or (not ctype and data.lstrip()[:1] == b"<"):
        return html_item(src, settings, data, where=where, url=url, published=published)
    if ctype == "text/plain":
        return text_item(src, settings, data, where=where, url=url, published=published)
    return reject(src, "unsupported", f"content type {ctype or 'unknown'} at {url}", **where)
