"""The local engine: runs the stages over a DuckDB store with worker processes, persisting as it goes.

Every unit of work (an article, a candidate pair) is written together with its ``stage_done`` marker in one
transaction, so a run killed at any point (SIGKILL included) leaves only whole units; the next run does the
units without a marker. The corpus-wide steps (candidates, links, stories) are recomputed from the persisted
rows on every run and replaced in one transaction each, so they equal what a fresh run would write.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, Callable, Iterator, Sequence

import pyarrow as pa

from ..errors import ConfigError, StoreError
from ..model import Article
from ..store import Store
from . import codec
from .schema import PAIR_TABLES, ensure
from .stages import (ArticleRows, PairRows, article_stage_safe, candidate_stage, cluster_stories,
                     fingerprint_stage, pair_key, pair_stage_safe, provenance_stage)

__all__ = ["EngineSettings", "TraceReport", "run_pipeline"]

Progress = Callable[[str, int, int], None]  # (stage, done, total)

# Below this many pending units (articles + pairs) the work runs in this process: starting spawned workers (each
# imports newstrace and loads the quotation model, about 2 s) costs more than it saves (examples/: 16 units).
MIN_POOL_UNITS = 64


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """workers: processes for the article and pair stages (0: all cores; 1: in this process).
    article_chunk / pair_chunk: units per task and per transaction (small enough that a killed run loses little,
    large enough that commits and pickling stay cheap). fingerprint_batch: articles per postings batch."""

    workers: int = 0
    article_chunk: int = 8
    pair_chunk: int = 8
    fingerprint_batch: int = 2000
    wave: int = 2000  # pairs whose articles are loaded at once

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ConfigError(f"workers must be 0 (all cores) or more, got {self.workers}")

    @property
    def processes(self) -> int:
        return self.workers or os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class TraceReport:
    """What a run did: articles and pairs processed now, and the totals in the store afterwards."""

    articles: int
    new_articles: int
    candidates: int
    new_pairs: int
    reuse_pairs: int
    links: int
    stories: int
    seconds: float
    errors: int = 0  # units whose stage raised, in the store (see the ``stage_errors`` table)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def _insert(con: Any, table: str, rows: Sequence[tuple]) -> None:
    """Append ``rows`` (tuples in the table's column order) through Arrow: one statement, not one per row."""
    if not rows:
        return
    cols = list(zip(*rows))
    con.register("_rows", pa.table({f"c{i}": pa.array(c) for i, c in enumerate(cols)}))
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _rows").fetchall()  # noqa: S608 (table names are ours)
    finally:
        con.unregister("_rows")


class _Tx:
    """One transaction on the store's connection (rolled back on error)."""

    def __init__(self, con: Any):
        self.con = con

    def __enter__(self) -> Any:
        _sql(self.con, "BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type: object, *_: object) -> None:
        _sql(self.con, "ROLLBACK" if exc_type else "COMMIT")


def _sql(con: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """All rows of a statement (fetched fully: DuckDB keeps the connection busy until a result is drained)."""
    return con.execute(sql, list(params)).fetchall()


def _count(con: Any, sql: str, params: Sequence[Any] = ()) -> int:
    return int(_sql(con, sql, params)[0][0])


# -- fingerprints and candidates ----------------------------------------------------------------------------


def _fingerprints(store: Store, s: EngineSettings) -> int:
    con = store.con
    rows = _sql(con, "SELECT id, text FROM articles WHERE id NOT IN "
                       "(SELECT unit FROM stage_done WHERE stage = 'fingerprint') ORDER BY seq")
    for k in range(0, len(rows), s.fingerprint_batch):
        batch = rows[k:k + s.fingerprint_batch]
        doc, hashes = fingerprint_stage([t for _, t in batch])
        ids = pa.array([i for i, _ in batch], pa.string())
        tab = pa.table({"article_id": ids.take(pa.array(doc)), "hash": pa.array(hashes, pa.int64())})
        with _Tx(con):
            con.register("_fp", tab)
            _sql(con, "INSERT INTO fingerprints SELECT article_id, hash FROM _fp")
            con.unregister("_fp")
            _insert(con, "stage_done", [("fingerprint", i) for i, _ in batch])
    return len(rows)


def _candidates(store: Store) -> int:
    con = store.con
    ids = [r[0] for r in _sql(con, "SELECT DISTINCT article_id FROM fingerprints ORDER BY 1")]
    got = con.execute("SELECT d.i, f.hash FROM fingerprints f JOIN (SELECT article_id, "
                      "row_number() OVER (ORDER BY article_id) - 1 AS i FROM (SELECT DISTINCT article_id "
                      "FROM fingerprints)) d USING (article_id)").fetchnumpy()
    rows = candidate_stage(ids, got["i"].astype("int32"), got["hash"], con=con) if ids else []
    old = _sql(con, "SELECT a_id, b_id, shared, containment FROM candidates ORDER BY a_id, b_id")
    if old == rows:
        return len(rows)
    with _Tx(con):
        _sql(con, "DELETE FROM candidates")
        _insert(con, "candidates", rows)
        for t in PAIR_TABLES:  # pairs no longer candidates (a shared n-gram grew too common): as a fresh run
            _sql(con, f"DELETE FROM {t} WHERE (a_id, b_id) NOT IN (SELECT (a_id, b_id) FROM candidates)")  # noqa: S608
        _sql(con, "DELETE FROM stage_done WHERE stage = 'pair' AND unit NOT IN "
                    "(SELECT a_id || chr(9) || b_id FROM candidates)")
        _sql(con, "DELETE FROM stage_errors WHERE stage = 'pair' AND unit NOT IN "
                    "(SELECT a_id || chr(9) || b_id FROM candidates)")
    return len(rows)


# -- the parallel stages ------------------------------------------------------------------------------------


def _article_task(batch: list[Article]) -> list[ArticleRows]:
    return [article_stage_safe(a) for a in batch]


def _pair_task(batch: list[tuple]) -> list[PairRows]:
    return [pair_stage_safe(a, b, [codec.quote_from(q) for q in qa], [codec.quote_from(q) for q in qb], fa, fb)
            for a, b, qa, qb, fa, fb in batch]


def _run_tasks(ex: Executor | None, fn: Callable, chunks: Iterator[list], write: Callable[[list], None],
               limit: int) -> None:
    """Run ``fn`` on each chunk (in ``ex`` or here) and ``write`` each result, at most ``limit`` in flight."""
    if ex is None:
        for c in chunks:
            write(fn(c))
        return
    pending: set[Future] = set()
    for c in chunks:
        pending.add(ex.submit(fn, c))
        if len(pending) >= limit:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                write(f.result())
    for f in pending:
        write(f.result())


def _write_articles(con: Any, results: list[ArticleRows]) -> None:
    with _Tx(con):
        _insert(con, "quotes", [q for r in results for q in r.quotes])
        _insert(con, "credits", [c for r in results for c in r.credits])
        _insert(con, "article_facts", [r.facts for r in results])
        _insert(con, "stage_errors", [e for r in results for e in r.errors])
        _insert(con, "stage_done", [("article", r.id) for r in results])


def _write_pairs(con: Any, results: list[PairRows]) -> None:
    with _Tx(con):
        for t in PAIR_TABLES:
            _insert(con, t, [row for r in results for row in getattr(r, t)])
        _insert(con, "stage_errors", [e for r in results for e in r.errors])
        _insert(con, "stage_done", [("pair", pair_key(r.a_id, r.b_id)) for r in results])


def _chunks(items: list, n: int) -> Iterator[list]:
    for k in range(0, len(items), n):
        yield items[k:k + n]


def _articles(store: Store, ex: Executor | None, s: EngineSettings, progress: Progress) -> int:
    con = store.con
    rows = _sql(con, "SELECT id, seq FROM articles WHERE id NOT IN "
                     "(SELECT unit FROM stage_done WHERE stage = 'article')")
    todo = {r[0] for r in rows}
    done = 0

    def write(results: list[ArticleRows]) -> None:
        nonlocal done
        _write_articles(con, results)
        done += len(results)
        progress("articles", done, len(todo))

    if todo:
        first = min(r[1] for r in rows)  # read from the first unfinished article on, not the whole store
        arts = (a for a in store.articles(since_seq=first - 1) if a.id in todo)
        batches = _chunks_iter(arts, s.article_chunk)
        _run_tasks(ex, _article_task, batches, write, 2 * s.processes)
    return len(todo)


def _chunks_iter(items: Iterator, n: int) -> Iterator[list]:
    batch: list = []
    for x in items:
        batch.append(x)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def _wave_inputs(store: Store, pairs: list[tuple[str, str]]) -> Iterator[tuple]:
    """The pair-stage inputs of a wave of pairs: both articles, their stored quotations and facts."""
    con = store.con
    ids = sorted({x for p in pairs for x in p})
    arts = {a.id: a for a in store.articles(ids)}
    quotes: dict[str, list[str]] = {i: [] for i in ids}
    for aid, q in _sql(con, "SELECT article_id, quote FROM quotes WHERE list_contains(?, article_id) "
                              "ORDER BY article_id, idx", [ids]):
        quotes[aid].append(q)
    facts = dict(_sql(con, "SELECT article_id, facts FROM article_facts WHERE list_contains(?, article_id)",
                             [ids]))
    for a, b in pairs:
        yield arts[a], arts[b], quotes[a], quotes[b], facts[a], facts[b]


def _pairs(store: Store, ex: Executor | None, s: EngineSettings, progress: Progress) -> int:
    con = store.con
    todo = _sql(con, "SELECT a_id, b_id FROM candidates WHERE a_id || chr(9) || b_id NOT IN "
                       "(SELECT unit FROM stage_done WHERE stage = 'pair') ORDER BY a_id, b_id")
    done = 0

    def write(results: list[PairRows]) -> None:
        nonlocal done
        _write_pairs(con, results)
        done += len(results)
        progress("pairs", done, len(todo))

    for w in range(0, len(todo), s.wave):
        inputs = list(_wave_inputs(store, todo[w:w + s.wave]))
        _run_tasks(ex, _pair_task, _chunks(inputs, s.pair_chunk), write, 2 * s.processes)
    return len(todo)


# -- corpus-wide steps --------------------------------------------------------------------------------------


def _replace(con: Any, table: str, rows: list[tuple]) -> None:
    """Replace ``table`` by ``rows`` in one transaction."""
    with _Tx(con):
        _sql(con, f"DELETE FROM {table}")  # noqa: S608
        _insert(con, table, rows)


def _links(store: Store) -> int:
    rows = provenance_stage(_sql(store.con, "SELECT a_id, b_id, link, facts FROM pair_links"))
    _replace(store.con, "links", rows)
    return len(rows)


def _stories(store: Store) -> int:
    """Add the articles that arrived since the saved clusterer state; rebuild when there is no usable state."""
    from . import storystate

    con = store.con
    saved = _sql(con, "SELECT last_seq, state FROM story_state")
    last, blob = saved[0] if saved else (0, None)
    clusterer = storystate.loads(blob)
    if clusterer is None:
        last = 0
    feats = _sql(con, "SELECT a.seq, f.features FROM article_facts f JOIN articles a ON a.id = f.article_id "
                      "WHERE a.seq > ? ORDER BY a.seq", [last])
    if not feats and clusterer is not None:
        return _count(con, "SELECT count(DISTINCT story_id) FROM stories")
    rows, clusterer = cluster_stories((f for _, f in feats), clusterer)
    with _Tx(con):
        _sql(con, "DELETE FROM stories")
        _insert(con, "stories", rows)
        _sql(con, "DELETE FROM story_state")
        _sql(con, "INSERT INTO story_state VALUES (?, ?)", [feats[-1][0] if feats else last,
                                                         storystate.dumps(clusterer)])
    return len({r[0] for r in rows})


def run_pipeline(store: Store, *, settings: EngineSettings = EngineSettings(),
                 on_progress: Progress | None = None) -> TraceReport:
    """Run every stage on the articles of ``store`` that have not been through it yet; returns a report.

    With more than one worker the stages run in spawned processes: a script calling this needs the
    ``if __name__ == "__main__":`` guard (raises :class:`StoreError` when a worker dies; rerun to resume)."""
    t0 = time.perf_counter()
    progress = on_progress or (lambda *_: None)
    ensure(store)
    _fingerprints(store, settings)
    n_cand = _candidates(store)
    ex = None
    pending = _count(store.con, "SELECT count(*) FROM articles WHERE id NOT IN (SELECT unit FROM stage_done "
                     "WHERE stage = 'article')") + _count(store.con, "SELECT count(*) FROM candidates WHERE "
                     "a_id || chr(9) || b_id NOT IN (SELECT unit FROM stage_done WHERE stage = 'pair')")
    if settings.processes > 1 and pending >= MIN_POOL_UNITS:
        ex = ProcessPoolExecutor(max_workers=settings.processes, mp_context=get_context("spawn"))
    try:
        new_articles = _articles(store, ex, settings, progress)
        new_pairs = _pairs(store, ex, settings, progress)
    except BrokenProcessPool as e:
        raise StoreError(f"a worker process died ({e}); finished work is kept, run again to resume "
                         "(a script needs the if __name__ == '__main__' guard)") from None
    finally:
        if ex is not None:
            ex.shutdown(cancel_futures=True)
    n_links = _links(store)
    n_stories = _stories(store)
    con = store.con
    return TraceReport(articles=_count(con, "SELECT count(*) FROM articles"), new_articles=new_articles,
                       candidates=n_cand, new_pairs=new_pairs, reuse_pairs=_count(con, "SELECT count(*) FROM reuse"),
                       links=n_links, stories=n_stories, seconds=round(time.perf_counter() - t0, 3),
                       errors=_count(con, "SELECT count(*) FROM stage_errors"))
