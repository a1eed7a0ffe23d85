"""Read inputs into the store: every record counted, duplicates dropped, rejections stored with their reasons.

>>> report = ingest(["examples"], db="demo.duckdb")  # doctest: +SKIP
>>> report.read == report.articles + report.duplicates + report.rejections  # doctest: +SKIP
True
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Callable, Iterable, Mapping

from .model import Article, Rejection
from .read import Inputs, Source, expand, read_source
from .read import _settings as _read_settings
from .read.settings import ReadSettings
from .store import DEFAULT_DB, Store

__all__ = ["IngestReport", "ingest"]

PROGRESS_EVERY = 500  # records between progress callbacks inside one file (a WARC holds tens of thousands)

# Articles buffered before one batched insert. 1,000 keeps memory small (a few MB of text) while the per-insert
# overhead (one id lookup, one Arrow append) stays under 1% of the time on PolNeAR-sized articles.
BATCH_ARTICLES = 1000

# Inputs of at least this many bytes (files on disk, summed) are read with a pool of worker processes
# (:func:`.read.jsonl.read_jsonl_parallel`; JSON Lines only, the bulk format): starting the pool costs about a
# second, which a smaller input would not win back.
PARALLEL_MIN_BYTES = 32 << 20


@dataclass(slots=True)
class IngestReport:
    """Counts of one ingest: ``read == articles + duplicates + rejections`` always holds."""

    run: int
    read: int = 0
    articles: int = 0
    duplicates: int = 0
    rejections: int = 0
    files: int = 0
    skipped_files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    by_reason: dict[str, int] = field(default_factory=dict)
    new_ids: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.read == self.articles + self.duplicates + self.rejections

    def summary(self) -> str:
        return (f"read {self.read:,} = {self.articles:,} articles + {self.duplicates:,} duplicates + "
                f"{self.rejections:,} rejections")

    def to_dict(self) -> dict[str, object]:
        return {"run": self.run, "read": self.read, "articles": self.articles, "duplicates": self.duplicates,
                "rejections": self.rejections, "files": self.files, "skipped_files": len(self.skipped_files),
                "by_reason": self.by_reason, "seconds": round(self.seconds, 3)}


def ingest(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
           db: str | os.PathLike[str] | Store = DEFAULT_DB, mapping: Mapping[str, str] | list[str] | None = None,
           settings: ReadSettings | None = None, on_rejection: Callable[[Rejection], None] | None = None,
           on_progress: Callable[[int, int, int], None] | None = None, workers: int = 0) -> IngestReport:
    """Read ``paths`` (files, folders, globs, ``-``) into the store ``db`` (a path or an open :class:`Store`).

    ``on_rejection`` sees each rejection as it happens (the CLI prints one warning line); ``on_progress`` gets
    ``(files done, files in all, records read)`` after each file and every :data:`PROGRESS_EVERY` records.
    ``workers``: processes that read JSON Lines of large inputs (0: all cores; 1: this process only); the
    store gets the same rows either way.
    """
    settings = _read_settings(settings, mapping)
    plist = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [os.fspath(p) for p in paths]
    store = db if isinstance(db, Store) else Store(db)
    try:
        return _run(store, plist, settings, on_rejection, on_progress, workers)
    finally:
        if not isinstance(db, Store):
            store.close()


def _run(store: Store, paths: list[str], settings: ReadSettings, on_rejection: Callable[[Rejection], None] | None,
         on_progress: Callable[[int, int, int], None] | None, workers: int = 1) -> IngestReport:
    t0 = time.perf_counter()
    inputs = expand(paths)
    pool = _pool(inputs.sources, workers)
    try:
        return _read_all(store, paths, inputs, settings, on_rejection, on_progress, pool, t0)
    finally:
        if pool is not None:
            pool[0].shutdown(cancel_futures=True)


def _pool(sources: list, workers: int) -> tuple[ProcessPoolExecutor, int] | None:
    """A pool of reading processes when ``workers`` allows several and the files on disk are large enough."""
    n = workers or os.cpu_count() or 1
    if n < 2:
        return None
    size = sum(os.path.getsize(src.path) for src in sources
               if isinstance(src, Source) and src.member is None and os.path.isfile(src.path))
    if size < PARALLEL_MIN_BYTES:
        return None
    return ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn")), n


def _read_all(store: Store, paths: list[str], inputs: Inputs, settings: ReadSettings,
              on_rejection: Callable[[Rejection], None] | None, on_progress: Callable[[int, int, int], None] | None,
              pool: tuple[ProcessPoolExecutor, int] | None, t0: float) -> IngestReport:
    report = IngestReport(run=store.begin_run(paths), files=len(inputs.sources), skipped_files=inputs.skipped)
    articles: list[Article] = []
    rejections: list[Rejection] = []
    # into an empty store, the ids it holds are the ones this run added: kept here, not looked up per batch
    known: set[str] | None = set() if store.max_seq() == 0 else None

    def flush() -> None:
        res = store.add_articles(articles, run=report.run, known=known)
        report.articles += res.added
        report.duplicates += res.duplicates
        report.new_ids.extend(res.ids)
        store.add_rejections(rejections, run=report.run)
        articles.clear()
        rejections.clear()

    for done, src in enumerate(inputs.sources, 1):
        items = read_source(src, settings, pool=pool) if isinstance(src, Source) else iter((src,))
        for item in items:
            report.read += 1
            if isinstance(item, Article):
                articles.append(item)
            else:
                rejections.append(item)
                report.rejections += 1
                report.by_reason[item.reason] = report.by_reason.get(item.reason, 0) + 1
                if on_rejection:
                    on_rejection(item)
            if len(articles) >= BATCH_ARTICLES:
                flush()
            if on_progress and report.read % PROGRESS_EVERY == 0:
                on_progress(done - 1, len(inputs.sources), report.read)
        if on_progress:
            on_progress(done, len(inputs.sources), report.read)
    flush()
    report.seconds = time.perf_counter() - t0
    store.finish_run(report.run, read=report.read, articles=report.articles, duplicates=report.duplicates,
                     rejections=report.rejections)
    return report
