"""CSV and TSV: a header row, then one article per row, with recovery from a row whose quotes are broken.

CSV records may span lines (quoted fields hold newlines). A record whose quotes never balance, or that parses
to the wrong number of fields, is cut back to its first physical line, rejected as ``malformed``, and reading
resumes on the next line, so one broken quote costs one row. TSV is read unquoted, one row per line.
"""

from __future__ import annotations

import csv
import io
from typing import IO, Iterator

from .base import Item, Source, reject
from .decode import DecodeFailure, decode
from .records import record_item, resolve_columns
from .settings import ReadSettings

__all__ = ["read_csv", "read_tsv"]

# A quoted field may hold newlines; after this many physical lines an unclosed quote is taken as broken.
# The longest multi-line record in story-chains/articles.csv spans 1 line; long-form articles with a paragraph
# per line stay under a few hundred.
MAX_RECORD_LINES = 2000
_DELIMITERS = ",;\t|"


def _decode(b: bytes) -> str:
    try:
        return b.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode(b).text


def _physical(f: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for n, line in enumerate(f, 1):
        yield n, line


def read_csv(src: Source, settings: ReadSettings, *, tsv: bool = False) -> Iterator[Item]:
    """Articles from a CSV/TSV file with a header row."""
    with src.open() as f:
        lines = _physical(f)
        header_line = next(((n, ln) for n, ln in lines if ln.strip()), None)
        if header_line is None:
            yield reject(src, "empty", "no header row")
            return
        try:
            head = _decode(header_line[1])
        except DecodeFailure as e:
            yield reject(src, e.reason, "header: " + e.detail, line=header_line[0])
            return
        delim = "\t" if tsv else max(_DELIMITERS, key=head.count)
        quoting = csv.QUOTE_NONE if delim == "\t" else csv.QUOTE_MINIMAL
        try:
            header = [h.strip() for h in next(csv.reader(io.StringIO(head, newline=""), delimiter=delim,
                                                         quoting=quoting), [])]
        except csv.Error as e:
            yield reject(src, "malformed", f"header row: {e}", line=header_line[0])
            return
        columns = resolve_columns(header, settings.mapping)
        record = 0
        for first, raw in _records(lines, quoting != csv.QUOTE_NONE, settings):
            record += 1
            where = {"line": first, "record": record}
            yield _row_item(src, settings, raw, where, header, columns, delim, quoting)


def read_tsv(src: Source, settings: ReadSettings) -> Iterator[Item]:
    """Articles from a tab-separated file with a header row (unquoted: one row per line)."""
    return read_csv(src, settings, tsv=True)


def _records(lines: Iterator[tuple[int, bytes]], quoted: bool,
             settings: ReadSettings) -> Iterator[tuple[int, list[bytes]]]:
    """(first line number, physical lines) per record; a broken record yields only its first line."""
    pending: list[tuple[int, bytes]] = []
    source = iter(lines)

    def nxt() -> tuple[int, bytes] | None:
        return pending.pop(0) if pending else next(source, None)

    while (item := nxt()) is not None:
        n, line = item
        if not line.strip():
            continue
        buf = [line]
        open_quote = quoted and line.count(b'"') % 2 == 1
        size = len(line)
        while open_quote and len(buf) < MAX_RECORD_LINES and size <= settings.max_article_bytes:
            more = nxt()
            if more is None:
                break
            buf.append(more[1])
            size += len(more[1])
            open_quote = (open_quote + more[1].count(b'"')) % 2 == 1
        if open_quote and len(buf) > 1:
            pending[:0] = [(n + i, b) for i, b in enumerate(buf[1:], 1)]
            buf = buf[:1]
        yield n, buf


def _row_item(src: Source, settings: ReadSettings, raw: list[bytes], where: dict[str, int | None],
              header: list[str], columns: dict[str, str], delim: str, quoting: int) -> Item:
    try:
        text = _decode(b"".join(raw))
    except DecodeFailure as e:
        return reject(src, e.reason, e.detail, **where)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, quoting=quoting, strict=True))
    except csv.Error as e:
        return reject(src, "malformed", f"broken quoting: {e}", **where)
    if len(rows) != 1 or len(rows[0]) != len(header):
        got = len(rows[0]) if len(rows) == 1 else f"{len(rows)} rows"
        return reject(src, "malformed", f"expected {len(header)} fields, got {got} (broken quote?)", **where)
    return record_item(src, settings, dict(zip(header, rows[0])), where, columns)
