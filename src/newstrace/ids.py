"""Stable article ids: the record's own id when it has one, else a hash of outlet, url and text."""

from __future__ import annotations

import xxhash

__all__ = ["article_id"]


def article_id(*, outlet: str | None, url: str | None, text: str, own: str | None = None) -> str:
    """A stable id. ``own`` (the record's id) wins; otherwise 16 hex digits of xxh3-64 over outlet, url, text.

    >>> article_id(outlet=None, url=None, text="abc") == article_id(outlet=None, url=None, text="abc")
    True
    """
    if own is not None and str(own).strip():
        return str(own).strip()
    h = xxhash.xxh3_64()
    for part in (outlet or "", url or "", text):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()
