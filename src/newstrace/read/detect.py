"""Which reader a file needs: by extension, confirmed or overridden by sniffing its first bytes."""

from __future__ import annotations

import posixpath
import zlib

from .base import Source

__all__ = ["KINDS", "kind_by_name", "sniff"]

_EXT = {
    ".txt": "text", ".text": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet", ".html": "html",
    ".htm": "html", ".xhtml": "html", ".warc": "warc", ".arc": "warc", ".gz": "gz", ".bz2": "bz2", ".xz": "xz",
    ".zip": "zip",
}
KINDS = frozenset(_EXT.values())
# Binary signatures decide over the extension (a gzip file named .txt is still gzip).
_MAGIC = ((b"\x1f\x8b", "gz"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"PK\x03\x04", "zip"),
          (b"PAR1", "parquet"), (b"WARC/", "warc"))
SNIFF_BYTES = 4096  # enough for any signature and for an HTML page's <html>/<head> opening


def kind_by_name(name: str) -> str | None:
    """The kind an extension promises (``a.warc.gz`` is ``warc``), or None."""
    low = name.lower()
    if low.endswith((".warc.gz", ".arc.gz")):
        return "warc"
    return _EXT.get(posixpath.splitext(low)[1])


def sniff(head: bytes) -> str | None:
    """The kind the first bytes show, or None when they are only text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if kind == "gz" and _gunzip_head(head).startswith(b"WARC/"):
                return "warc"
            return kind
    low = head.lstrip()[:512].lower()
    if low.startswith(b"<") and (b"<html" in low or b"<!doctype html" in low or b"<head" in low or b"<body" in low):
        return "html"
    if low.startswith(b"["):
        return "json"
    return None


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
    except zlib.error:
        return b""


def detect(src: Source, head: bytes) -> str:
    """The reader kind for ``src`` whose first bytes are ``head``: magic, then extension, then sniffed text."""
    sniffed = sniff(head)
    if sniffed in ("gz", "bz2", "xz", "zip", "parquet", "warc"):
        by_name = kind_by_name(src.name)
        return "warc" if by_name == "warc" and sniffed == "gz" else sniffed
    by_name = kind_by_name(src.name)
    if by_name is not None:  # a binary kind without its signature goes to its reader, which rejects it
        return by_name
    if sniffed:
        return sniffed
    if head.lstrip().startswith(b"{"):
        return "jsonl"
    return "text"
