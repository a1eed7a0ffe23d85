"""Records (JSONL, JSON, CSV/TSV, Parquet rows) to articles: automatic field mapping with explicit overrides.

The source that offsets refer to is the text field's value itself.
"""

from __future__ import annotations

import re

from typing import Any, Mapping

from ..errors import ConfigError
from .base import Item, Source, build_article, reject
from .dates import parse_date
from .decode import repair_text
from .plaintext import parse_plain
from .settings import ReadSettings

__all__ = ["FIELDS", "parse_mapping", "record_item", "resolve_columns"]

# Article field -> column names tried in order (case-insensitive). Earlier names win when several are present.
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "maintext", "main_text", "full_text", "article_text", "story"),
    "title": ("title", "headline"),
    "published": ("published", "date", "publish_date", "published_at", "date_publish", "pubdate",
                  "publication_date", "timestamp", "datetime", "time"),
    "url": ("url", "link", "uri", "canonical_url"),
    "outlet": ("outlet", "source", "publisher", "site", "paperurl", "site_name", "sitename", "source_domain",
               "domain"),
    "id": ("id", "article_id", "doc_id", "docid", "_id", "uuid"),
    "language": ("language", "lang"),
}


def parse_mapping(pairs: list[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``["text=body_html", ...]`` (or a dict) to ``{"text": "body_html"}``; unknown fields are a ConfigError."""
    if not pairs:
        return {}
    items = pairs.items() if isinstance(pairs, Mapping) else (_split(p) for p in pairs)
    out = {}
    for field, column in items:
        field = {"date": "published", "source": "outlet", "headline": "title", "body": "text"}.get(field, field)
        if field not in FIELDS:
            raise ConfigError(f"unknown field {field!r} in mapping; use one of {', '.join(FIELDS)}")
        out[field] = column
    return out


def _split(pair: str) -> tuple[str, str]:
    if "=" not in pair:
        raise ConfigError(f"mapping {pair!r} is not field=column")
    field, column = pair.split("=", 1)
    return field.strip().lower(), column.strip()


def resolve_columns(columns: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Article field -> the column that feeds it, for one set of column names."""
    lower = {}
    for c in columns:
        lower.setdefault(str(c).lower(), c)
    out = {}
    for field, names in FIELDS.items():
        if field in mapping:
            if mapping[field] in columns:
                out[field] = mapping[field]
            elif mapping[field].lower() in lower:
                out[field] = lower[mapping[field].lower()]
            continue
        for name in names:
            if name in lower:
                out[field] = lower[name]
                break
    return out


# Unpaired surrogate code points: JSON's "\ud800" escapes decode to them. They are not Unicode characters: no
# UTF-8 encoder, Arrow column or DuckDB string takes them (one such record used to stop a whole ingest).
_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(s: str) -> str:
    """``s`` with each unpaired surrogate replaced by U+FFFD, one character for one, so offsets stay put."""
    return s if s.isascii() else _SURROGATE.sub("\ufffd", s)


def _scalar(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("title")
    if value is None or isinstance(value, (list, dict)):
        return None
    s = valid_text(str(value).strip())
    return s or None


def record_item(src: Source, settings: ReadSettings, rec: Mapping[str, Any], where: dict[str, int | None],
                columns: dict[str, str] | None = None) -> Item:
    """One record to an Article, or a Rejection (no text field, empty, too large)."""
    cols = columns if columns is not None else resolve_columns(list(rec), settings.mapping)
    if "text" not in cols:
        tried = settings.mapping.get("text") or ", ".join(FIELDS["text"])
        return reject(src, "malformed", f"no text field (tried {tried})", **where)
    value = rec.get(cols["text"])
    if value is None or (isinstance(value, str) and not value.strip()):
        return reject(src, "empty", f"field {cols['text']!r} is empty", **where)
    if not isinstance(value, str):
        return reject(src, "malformed", f"field {cols['text']!r} is {type(value).__name__}, not text", **where)
    if len(value) > settings.max_article_bytes:
        return reject(src, "too-large", f"{len(value):,} characters, limit {settings.max_article_bytes:,}", **where)
    p = parse_plain(valid_text(value), repair=settings.repair_mojibake, headers=False)
    get = lambda f: _scalar(rec.get(cols[f])) if f in cols else None  # noqa: E731
    title = get("title")
    return build_article(
        src, settings, text=p.text, offsets=p.offsets, where=where, own_id=get("id"), outlet=get("outlet"),
        url=get("url"), title=repair_text(title) if title else None,
        published=parse_date(rec.get(cols["published"])) if "published" in cols else None,
        language=get("language"), extras=p.extras,
    )
