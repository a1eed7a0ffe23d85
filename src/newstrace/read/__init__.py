"""Reading news from every input kind into :class:`~newstrace.model.Article` records, or Rejections with reasons.

>>> from newstrace.read import read
>>> items = list(read(["examples"]))  # doctest: +SKIP

Every input record yields exactly one item, an Article or a Rejection, so ``read = articles + rejections`` here
and ``read = articles + duplicates + rejections`` after the store drops ids it already holds.
"""

from __future__ import annotations

import importlib
import os
from concurrent.futures import Executor
from dataclasses import replace
from typing import Callable, Iterable, Iterator, Mapping

from ..model import Article, Rejection
from .base import DAMAGE, ContainerTooLarge, Item, Source, reject
from .containers import inner_sources
from .detect import SNIFF_BYTES, detect, sniff
from .paths import Inputs, expand
from .records import parse_mapping
from .settings import DEFAULT_SETTINGS, ReadSettings

__all__ = ["Inputs", "ReadSettings", "Source", "expand", "read", "read_source"]

# kind -> (module, function). Imported on first use: trafilatura and pyarrow take most of a second to import,
# and a folder of text files needs neither.
_READERS = {
    "text": ("text", "read_text"), "jsonl": ("jsonl", "read_jsonl"), "json": ("jsonl", "read_json"),
    "csv": ("csvfile", "read_csv"), "tsv": ("csvfile", "read_tsv"), "parquet": ("parquet", "read_parquet"),
    "html": ("html", "read_html"), "warc": ("warc", "read_warc"),
}


def _reader(kind: str) -> Callable[[Source, ReadSettings], Iterator[Item]]:
    module, name = _READERS[kind]
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


MAX_NESTING = 4  # containers inside containers (a .zip of .gz files is 2)


def read(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *, mapping: Mapping[str, str] | list[str] | None = None,
         settings: ReadSettings | None = None) -> Iterator[Article | Rejection]:
    """Articles and Rejections from files, folders (recursively), globs, or ``"-"`` for stdin.

    ``mapping`` overrides record field names (``{"text": "body_html"}`` or ``["text=body_html"]``).
    """
    settings = _settings(settings, mapping)
    inputs = expand([paths] if isinstance(paths, (str, os.PathLike)) else list(paths))
    for src in inputs.sources:
        yield from read_source(src, settings) if isinstance(src, Source) else (src,)


def _settings(settings: ReadSettings | None, mapping: Mapping[str, str] | list[str] | None) -> ReadSettings:
    settings = settings or DEFAULT_SETTINGS
    if mapping:
        settings = replace(settings, mapping={**settings.mapping, **parse_mapping(mapping)})
    return settings


def read_source(src: Source, settings: ReadSettings = DEFAULT_SETTINGS, _depth: int = 0, *,
                pool: tuple[Executor, int] | None = None) -> Iterator[Item]:
    """Every item of one input unit; damage to the stream ends it with one ``truncated`` rejection.

    ``pool``: (a process pool, its size) to read JSON Lines with (:func:`.jsonl.read_jsonl_parallel`: the same
    items in the same order)."""
    try:
        with src.open() as f:
            head = f.read(SNIFF_BYTES)
    except DAMAGE as e:
        yield reject(src, "truncated" if src.member else "unreadable", f"{type(e).__name__}: {e}")
        return
    kind = detect(src, head)
    if kind in ("gz", "bz2", "xz", "zip"):
        if sniff(head) != kind:
            yield reject(src, "malformed", f"named like a {kind} file but its first bytes are not {kind} data")
            return
        if _depth >= MAX_NESTING:
            yield reject(src, "unsupported", f"containers nested deeper than {MAX_NESTING}")
            return
        for inner in inner_sources(src, kind, settings):
            yield from read_source(inner, settings, _depth + 1, pool=pool) if isinstance(inner, Source) else (inner,)
        return
    count = 0
    if pool is not None and kind == "jsonl":
        from .jsonl import read_jsonl_parallel

        items = read_jsonl_parallel(src, settings, *pool)
    else:
        items = _reader(kind)(src, settings)
    try:
        for item in items:
            count += 1
            yield item
    except DAMAGE as e:
        last = {"record": count + 1} if kind in ("jsonl", "json", "csv", "tsv", "parquet", "warc") else {}
        reason = "too-large" if isinstance(e, ContainerTooLarge) else "truncated" if _depth else "unreadable"
        yield reject(src, reason, f"after {count} records: {type(e).__name__}: {e}", **last)
