"""JSON Lines (one object per line) and JSON documents (an array of objects, or one object)."""

from __future__ import annotations

import json
from collections import deque
from concurrent.futures import Executor
from typing import IO, Any, Iterator

from .base import Item, Source, TooLarge, read_limited, reject
from .decode import DecodeFailure, decode
from .records import record_item
from .settings import ReadSettings

__all__ = ["read_json", "read_jsonl", "read_jsonl_parallel"]

# Keys under which JSON documents commonly nest their list of articles.
_LIST_KEYS = ("articles", "data", "items", "records", "results", "docs", "documents", "rows")


def _lines(f: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line longer than ``limit`` (its rest is skipped)."""
    n = 0
    while True:
        line = f.readline(limit + 2)
        if not line:
            return
        n += 1
        if len(line) > limit + 1 and not line.endswith(b"\n"):
            while (more := f.readline(1 << 20)) and not more.endswith(b"\n"):
                pass
            yield n, None
            continue
        yield n, line


def read_jsonl(src: Source, settings: ReadSettings) -> Iterator[Item]:
    """One record per non-blank line; a malformed line is rejected and the rest of the file still loads."""
    for n, record, line in _records_of(src, settings):
        yield _record_item(src, settings, n, record, line)


def _records_of(src: Source, settings: ReadSettings) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, record number, bytes or None when too long) of each non-blank line."""
    record = 0
    with src.open() as f:
        for n, line in _lines(f, settings.max_article_bytes * 2):
            if line is not None and not line.strip():
                continue
            record += 1
            yield n, record, line


def _record_item(src: Source, settings: ReadSettings, n: int, record: int, line: bytes | None) -> Item:
    where = {"line": n, "record": record}
    if line is None:
        return reject(src, "too-large", f"line longer than {settings.max_article_bytes * 2:,} bytes", **where)
    return _line_item(src, settings, line, where)


# The parallel reader's unit of work: lines per task (or fewer, when they pass the bytes), and tasks in flight per
# worker (enough to keep the workers busy while the main process stores what came back, few enough to bound memory).
PARALLEL_BATCH_LINES = 500
PARALLEL_BATCH_BYTES = 4 << 20
PARALLEL_AHEAD = 4


def read_jsonl_parallel(src: Source, settings: ReadSettings, pool: Executor, workers: int) -> Iterator[Item]:
    """:func:`read_jsonl` with each line's work (decoding, JSON, the record's article and its language guess) done
    by ``pool``'s processes, in batches: the same items in the same order. This process only splits the file into
    lines, so a run that stores as it reads (:func:`newstrace.ingest.ingest`) keeps every core busy: one
    process read bench/scale.py's 100,000 articles in ~28 s, most of it on the lines, not the store.

    An error while reading the file (a damaged stream) comes after the items of every line read before it."""
    key = (src.path, src.name, src.member)
    pending: deque = deque()
    try:
        for batch in _line_batches(src, settings):
            pending.append(pool.submit(_line_items, key, settings, batch))
            if len(pending) >= PARALLEL_AHEAD * workers:
                yield from pending.popleft().result()
    except Exception:
        while pending:
            yield from pending.popleft().result()
        raise
    while pending:
        yield from pending.popleft().result()


def _line_batches(src: Source, settings: ReadSettings) -> Iterator[list[tuple[int, int, bytes | None]]]:
    """:func:`_records_of` in batches. When reading fails, the lines read before it still come, as a last batch
    before the error (a damaged stream must lose no record it gave)."""
    size = 0
    batch: list[tuple[int, int, bytes | None]] = []
    try:
        for rec in _records_of(src, settings):
            batch.append(rec)
            size += len(rec[2]) if rec[2] is not None else 0
            if len(batch) >= PARALLEL_BATCH_LINES or size >= PARALLEL_BATCH_BYTES:
                yield batch
                batch, size = [], 0
    except Exception:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


def _no_open() -> IO[bytes]:
    raise RuntimeError("a worker's copy of a source is not opened")  # pragma: no cover


def _line_items(key: tuple[str, str, str | None], settings: ReadSettings,
                batch: list[tuple[int, int, bytes | None]]) -> list[Item]:
    """The items of a batch of lines (in a worker process: the source travels as its names)."""
    src = Source(key[0], key[1], _no_open, key[2])
    return [_record_item(src, settings, n, record, line) for n, record, line in batch]


def _line_item(src: Source, settings: ReadSettings, line: bytes, where: dict[str, int | None]) -> Item:
    try:
        text = line.decode("utf-8-sig") if line.isascii() or _utf8(line) else decode(line).text
    except DecodeFailure as e:
        return reject(src, e.reason, e.detail, **where)
    try:
        obj: Any = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        return reject(src, "malformed", f"not JSON: {getattr(e, 'msg', 'too deeply nested')}", **where)
    if not isinstance(obj, dict):
        return reject(src, "malformed", f"a JSON {type(obj).__name__}, not an object", **where)
    return record_item(src, settings, obj, where)


def _utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def read_json(src: Source, settings: ReadSettings) -> Iterator[Item]:
    """A JSON array of objects, an object holding such a list, or one object; JSON Lines when it is not JSON."""
    try:
        with src.open() as f:
            data = read_limited(f, settings.max_container_bytes)
        text = decode(data).text
    except TooLarge as e:
        yield reject(src, "too-large", str(e))
        return
    except DecodeFailure as e:
        yield reject(src, e.reason, e.detail)
        return
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        if text.lstrip().startswith("{") and "\n" in text.strip():
            yield from read_jsonl(src, settings)
        else:
            yield reject(src, "malformed", f"not JSON: {getattr(e, 'msg', 'too deeply nested')}")
        return
    records = _records(obj)
    if records is None:
        yield reject(src, "malformed", "JSON holds no object or list of objects")
        return
    for i, rec in enumerate(records, 1):
        if isinstance(rec, dict):
            yield record_item(src, settings, rec, {"record": i})
        else:
            yield reject(src, "malformed", f"a JSON {type(rec).__name__}, not an object", record=i)


def _records(obj: Any) -> list[Any] | None:
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        for key in _LIST_KEYS:
            if isinstance(obj.get(key), list) and any(isinstance(x, dict) for x in obj[key]):
                return obj[key]
        return [obj]
    return None
