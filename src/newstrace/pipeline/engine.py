"""The local engine: runs the stages over a DuckDB store with worker processes, persisting as it goes.

Every unit of work (an article, a candidate pair) is written together with its ``stage_done`` marker in one
transaction, so a run killed at any point (SIGKILL included) leaves only whole units; the next run does the
units without a marker. The corpus-wide steps (candidates, links, stories) are brought up to date from the
persisted rows on every run, in one transaction each, touching only what the new rows can change
(:mod:`.candidates`, :mod:`.links`, the saved story clusterer), so they equal what a fresh run would write.
"""

from __future__ import annotations

import atexit
import gc
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pyarrow as pa

from ..errors import ConfigError, StoreError
from ..model import Article
from ..store import Store
from .candidates import update_candidates
from .links import update_links
from .schema import PAIR_TABLES, ensure
from .sql import Tx as _Tx, count as _count, insert as _insert, sql as _sql
from .stages import (ArticleRows, PairRows, article_stage_safe, cluster_stories, decoded_quotes,
                     fingerprint_stage, pair_key, pair_stage_safe)

if TYPE_CHECKING:
    from ..stories import StoryClusterer

__all__ = ["EngineSettings", "TraceReport", "run_pipeline"]

Progress = Callable[[str, int, int], None]  # (stage, done, total)

# Below this many pending units (articles + pairs) the work runs in this process: starting spawned workers (each
# imports newstrace and loads the quotation model, about 2 s) costs more than it saves (examples/: 16 units).
MIN_POOL_UNITS = 64


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """workers: processes for the article and pair stages (0: all cores; 1: in this process).
    article_chunk / pair_chunk: units per task (small, so the workers stay evenly busy). commit: finished units
    per transaction (each costs a few statements of a few ms whatever their size, in the main process, which shares
    the cores with the workers: writing the article stage's rows of bench/scale.py's articles cost 0.23 ms CPU per
    article in transactions of 64, 0.09 ms in transactions of 256; a killed run loses at most that many units,
    about a second of work). fingerprint_batch: articles per postings batch."""

    workers: int = 0
    article_chunk: int = 8
    pair_chunk: int = 8
    commit: int = 256
    fingerprint_batch: int = 2000
    # Pairs whose articles, quotations and facts are loaded at once. Each load scans those tables, so its cost
    # grows with the store, not the wave: on run S's 1M store a wave of 2,000 pairs cost the main process 2.7 s
    # of CPU (1.35 ms a pair, about 28% of a core through the pair stage, beside the workers), one of 10,000
    # 3.2 s (0.32 ms a pair): about 2.6 s a load whatever its size, 35 loads (112 s) for run N's 342,356 pairs,
    # 14 (~57 s) at 25,000. Two waves are held at once (the next is read ahead): by the bench texts' size, about
    # 60 MB each at 10,000, 150 MB at 25,000 (an estimate), while the pair stage's processes held ~6-7 GiB of run
    # N's 9.9 GiB peak (reached after it, in the links step).
    wave: int = 25_000

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
    stage_seconds: dict[str, float] | None = None  # wall seconds of each step of this run, in order

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


# -- fingerprints and candidates ----------------------------------------------------------------------------


def _fingerprints(store: Store, s: EngineSettings, con: Any = None, stop: threading.Event | None = None) -> int:
    """Postings of the articles without them, read and written ``fingerprint_batch`` articles at a time
    (written through ``con``, default the store's connection; ``stop`` set: no further batch)."""
    con, done = (store.con if con is None else con), 0
    cur = con.cursor()  # reads while the writing connection writes (texts are not all held at once)
    try:
        cur.execute("SELECT id, text FROM articles WHERE id NOT IN "
                    "(SELECT unit FROM stage_done WHERE stage = 'fingerprint') ORDER BY seq")
        while (stop is None or not stop.is_set()) and (batch := cur.fetchmany(s.fingerprint_batch)):
            _fingerprint_batch(con, batch, s.processes)
            done += len(batch)
    finally:
        cur.close()
    return done


def _fingerprint_batch(con: Any, batch: list[tuple[str, str]], threads: int = 1) -> None:
    doc, hashes = fingerprint_stage([t for _, t in batch], threads)
    ids = pa.array([i for i, _ in batch], pa.string())
    tab = pa.table({"article_id": ids.take(pa.array(doc)), "hash": pa.array(hashes, pa.int64())})
    with _Tx(con):
        con.register("_fp", tab)
        _sql(con, "INSERT INTO fingerprints SELECT article_id, hash FROM _fp")
        con.unregister("_fp")
        _insert(con, "stage_done", [("fingerprint", i) for i, _ in batch])


def _candidates(store: Store, con: Any = None) -> int:
    """Candidate pairs with the articles fingerprinted since the last run (see :mod:`.candidates`), through
    ``con`` (default the store's connection)."""
    with _Tx(store.con if con is None else con) as c:
        return update_candidates(c)


def _fingerprints_and_candidates(store: Store, s: EngineSettings, laps: dict[str, float], stop: threading.Event
                                 ) -> int:
    """:func:`_fingerprints` then :func:`_candidates` through a connection of their own (a cursor of the store's),
    so that they can run in a thread beside the article stage; their wall seconds go into ``laps``. ``stop`` set
    (the run failed or was interrupted): no further fingerprint batch and no candidate join (-1)."""
    cur = store.con.cursor()
    try:
        t0 = time.perf_counter()
        _fingerprints(store, s, cur, stop)
        if stop.is_set():
            return -1
        t1 = time.perf_counter()
        n = _candidates(store, cur)
        laps["fingerprints"], laps["candidates"] = round(t1 - t0, 3), round(time.perf_counter() - t1, 3)
        return n
    finally:
        cur.close()


# -- the parallel stages ------------------------------------------------------------------------------------


# The stages allocate many short-lived lists and tuples and keep caches of long-lived ones (word types, prepared
# texts): with Python's default thresholds (700, 10, 10) the collector runs every few hundred allocations and
# walks the caches again and again. A worker starts with its imports and model frozen out of the collector's
# view and collects the youngest generation ten times less often; reference counting still frees almost all.
WORKER_GC_THRESHOLD = (7000, 10, 10)


def _worker_init() -> None:
    """Set up a worker process: load the tagger's model now (not in the first task) and tune the collector."""
    from ..quotes.tagger import _type_scores

    try:
        _type_scores()
    except Exception:  # noqa: BLE001 (a missing model is reported by the article stage, per article)
        pass
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)  # let the interpreter's last collection see everything again at exit
    gc.set_threshold(*WORKER_GC_THRESHOLD)


def _article_task(batch: list[Article]) -> list[ArticleRows]:
    return [article_stage_safe(a) for a in batch]


def _pair_task(batch: list[tuple]) -> list[PairRows]:
    return [pair_stage_safe(a, b, decoded_quotes(qa), decoded_quotes(qb), fa, fb) for a, b, qa, qb, fa, fb in batch]


def _run_tasks(ex: Executor | None, fn: Callable, chunks: Iterator[list], write: Callable[[list], None],
               limit: int, commit: int) -> None:
    """Run ``fn`` on each chunk (in ``ex`` or here), at most ``limit`` in flight, and ``write`` the results
    ``commit`` units at a time."""
    buf: list = []

    def take(results: list) -> None:
        buf.extend(results)
        if len(buf) >= commit:
            write(buf[:])
            buf.clear()

    if ex is None:
        for c in chunks:
            take(fn(c))
    else:
        pending: set[Future] = set()
        for c in chunks:
            pending.add(ex.submit(fn, c))
            if len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    take(f.result())
        for f in pending:
            take(f.result())
    if buf:
        write(buf)


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


def _article_todo(con: Any) -> dict[str, int]:
    """The articles the article stage has yet to do: id -> seq, in seq order."""
    return dict(_sql(con, "SELECT id, seq FROM articles WHERE id NOT IN "
                          "(SELECT unit FROM stage_done WHERE stage = 'article') ORDER BY seq"))


def _articles(store: Store, ex: Executor | None, s: EngineSettings, progress: Progress,
              todo: dict[str, int] | None = None, live: "_Live | None" = None) -> int:
    """The article stage over ``todo`` (default: :func:`_article_todo`); ``live`` (the story feed) gets each
    written article's (seq, story features) after its transaction."""
    con = store.con
    todo = _article_todo(con) if todo is None else todo
    done = 0

    def write(results: list[ArticleRows]) -> None:
        nonlocal done
        _write_articles(con, results)
        if live is not None:
            live.put([(todo[r.id], r.facts[2]) for r in results])
        done += len(results)
        progress("articles", done, len(todo))

    if todo:
        first = min(todo.values())  # read from the first unfinished article on, not the whole store
        arts = (a for a in store.articles(since_seq=first - 1) if a.id in todo)
        batches = _chunks_iter(arts, s.article_chunk)
        _run_tasks(ex, _article_task, batches, write, 2 * s.processes, s.commit)
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


def _wave_inputs(store: Store, pairs: list[tuple[str, str]]) -> list[tuple]:
    """The pair-stage inputs of a wave of pairs: both articles, their stored quotations and facts. Reads through
    cursors of its own, so that it can run in a thread while this process writes the previous wave's rows."""
    ids = sorted({x for p in pairs for x in p})
    arts = {a.id: a for a in store.articles(ids)}
    quotes: dict[str, list[str]] = {i: [] for i in ids}
    cur = store.con.cursor()
    cur.register("_wave_ids", pa.table({"article_id": pa.array(ids, pa.string())}))
    try:  # semi-joins on a registered table: one hash probe per row, not a scan of the id list per row
        for aid, q in _sql(cur, "SELECT article_id, quote FROM quotes SEMI JOIN _wave_ids USING (article_id) "
                                "ORDER BY article_id, idx"):
            quotes[aid].append(q)
        facts = dict(_sql(cur, "SELECT article_id, facts FROM article_facts SEMI JOIN _wave_ids USING (article_id)"))
    finally:
        cur.close()
    return [(arts[a], arts[b], quotes[a], quotes[b], facts[a], facts[b]) for a, b in pairs]


def _by_component(pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """``pairs`` ordered by connected component of the graph they form (then by pair), with each pair's component
    (its smallest article id).

    A worker keeps the latest prepared texts, decoded quotations and facts (see :func:`.stages.prepared`), so the
    pair stage prepares fewer texts when the pairs of one article come close together. Sorted by first article,
    an article's pairs as the second article lie far apart: at 100k bench/scale.py articles (40,642 pairs of 49,257
    articles, two workers fed chunks of 8 in turn) the workers prepared 63,557 texts; in component order, chunks
    cut at component borders, 52,193 (a simulation of the workers' caches on that store's pairs). The rows are the
    same: each pair's are its own, whatever the order."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while (up := parent.get(root, root)) != root:
            root = up
        while x != root:  # path compression
            parent[x], x = root, parent.get(x, x)
        return root

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    keyed = sorted((find(a), a, b) for a, b in pairs)
    return [(a, b) for _, a, b in keyed], [g for g, _, _ in keyed]


def _group_chunks(items: list, groups: list[str], n: int, cap: int) -> Iterator[list]:
    """``items`` in chunks of at least ``n`` (but the last), cut where ``groups`` changes, and at most ``cap``."""
    chunk: list = []
    for k, x in enumerate(items):
        if chunk and (len(chunk) >= cap or (len(chunk) >= n and groups[k] != groups[k - 1])):
            yield chunk
            chunk = []
        chunk.append(x)
    if chunk:
        yield chunk


def _pairs(store: Store, ex: Executor | None, s: EngineSettings, progress: Progress) -> int:
    con = store.con
    todo = _sql(con, "SELECT a_id, b_id FROM candidates WHERE a_id || chr(9) || b_id NOT IN "
                       "(SELECT unit FROM stage_done WHERE stage = 'pair')")  # ordered by _by_component
    done = 0

    def write(results: list[PairRows]) -> None:
        nonlocal done
        _write_pairs(con, results)
        done += len(results)
        progress("pairs", done, len(todo))

    todo, groups = _by_component([(a, b) for a, b in todo])
    waves = [(todo[w:w + s.wave], groups[w:w + s.wave]) for w in range(0, len(todo), s.wave)]
    # The next wave is read while this one runs: its semi-joins scan the articles, quotes and facts tables
    # (0.1-0.3 s a wave of 2,000 pairs at 100k articles, 1.5-3 s at 1M), time in which the workers would
    # otherwise idle.
    # The chunks of all the waves go out as one stream, so the workers are never drained at a wave's end (one
    # worker waited for the other's last chunk there, once a wave: 14 waves at 1M articles).
    with ThreadPoolExecutor(1, thread_name_prefix="newstrace-wave") as reader:
        def chunks() -> Iterator[list]:
            nxt = reader.submit(_wave_inputs, store, waves[0][0]) if waves else None
            for k in range(len(waves)):
                assert nxt is not None
                inputs = nxt.result()
                nxt = reader.submit(_wave_inputs, store, waves[k + 1][0]) if k + 1 < len(waves) else None
                yield from _group_chunks(inputs, waves[k][1], s.pair_chunk, 4 * s.pair_chunk)

        _run_tasks(ex, _pair_task, chunks(), write, 2 * s.processes, s.commit)
    return len(todo)


# -- corpus-wide steps --------------------------------------------------------------------------------------


def _links(store: Store) -> int:
    """Links of the pairs whose neighbourhood changed since the last run (see :mod:`.links`)."""
    with _Tx(store.con) as con:
        return update_links(con)


# Articles per message from the main process to the story process (about 2 KB of features each).
STORY_CHUNK = 2_000


class _Live:
    """The story features of the articles the article stage is doing, for the story feeder, in seq order as their
    rows are written (the stage finishes them out of order, a few chunks apart). Started before the stage, the
    story process clusters beside it instead of beside the pair stage: at 100k articles of bench/scale.py it
    needs ~112 s of CPU alone, and beside the pair stage it set that stage's length (208 s, for ~90 s of pair
    work; run U of session 13), while at 1M it ran on alone for 467 s after the pairs (run S).

    ``seqs``: the seqs to expect, ascending (those after the saved story state)."""

    def __init__(self, seqs: list[int]):
        self._seqs = seqs
        self._k = 0  # the next of ``seqs`` to take
        self._ready: dict[int, str] = {}
        self._closed = False
        self._cv = threading.Condition()

    def put(self, items: list[tuple[int, str]]) -> None:
        with self._cv:
            if not self._closed:  # (once closed nothing takes them: they would only pile up)
                self._ready.update(items)
                self._cv.notify()

    def close(self) -> None:
        """Nothing more is taken or given (the run stopped, or the feeder did): a waiting :meth:`take` returns
        None, and :meth:`put` drops what it is given."""
        with self._cv:
            self._closed = True
            self._ready.clear()
            self._cv.notify()

    def peek(self) -> int | None:
        """The seq :meth:`take` hands out next; None when all have been taken."""
        return self._seqs[self._k] if self._k < len(self._seqs) else None

    def take(self, wait: bool) -> str | None:
        """The features of :meth:`peek`'s article: None when they are not there yet and ``wait`` is false, or when
        the feed was closed before they came."""
        seq = self._seqs[self._k]
        with self._cv:
            while seq not in self._ready:
                if not wait or self._closed:
                    return None
                self._cv.wait()
            self._k += 1
            return self._ready.pop(seq)


def _story_start(store: Store, load: bool = True, coming: bool = False
                 ) -> tuple[int, int, StoryClusterer | None] | None:
    """Where the story step starts: the seq the saved clusterer state reaches, the number of parts that state
    is stored in and the clusterer it holds (0, 0, None: rebuild from the start, when there is no usable
    state); None when the stories are already up to date. ``load=False`` leaves the clusterer unloaded (None
    beside parts that are there) for the story process to load: a 100k-article state takes ~4 s to load, once
    is enough, and at 1M articles this process would hold its 2.6 GB twice on the way."""
    from . import storystate

    con = store.con
    last, parts, size = _sql(con, "SELECT coalesce(min(last_seq), 0), count(*), coalesce(sum(octet_length(state)), "
                                  "0) FROM story_state")[0]
    if not size:
        return 0, 0, None
    clusterer = storystate.loads(_saved_state(con, parts)) if load else None
    if clusterer is None and load:
        return 0, 0, None
    # with ``coming``, articles whose facts the article stage is about to write count too
    facts = "" if coming else " JOIN article_facts f ON a.id = f.article_id"
    if not _count(con, f"SELECT count(*) FROM articles a{facts} WHERE a.seq > ?", [last]):  # noqa: S608
        return None
    return last, parts, clusterer


def _state_part(con: Any, part: int) -> bytes:
    """One stored part of the clusterer state (a query each: a DuckDB result is held whole until fetched)."""
    rows = _sql(con, "SELECT state FROM story_state WHERE part = ?", [part])
    return bytes(rows[0][0]) if rows else b""


def _saved_state(con: Any, parts: int) -> bytes:
    return b"".join(_state_part(con, i) for i in range(parts))


def _story_rows(con: Any, last: int) -> Iterator[tuple[int, str]]:
    """(seq, features) of the stored articles after ``last`` in arrival order, read STORY_CHUNK at a time: streamed,
    so that no process holds the features of the whole corpus at once."""
    cur = con.execute("SELECT a.seq, f.features FROM article_facts f JOIN articles a ON a.id = f.article_id "
                      "WHERE a.seq > ? ORDER BY a.seq", [last])
    while rows := cur.fetchmany(STORY_CHUNK):
        yield from rows


def _story_chunks(con: Any, last: int) -> Iterator[tuple[int, list[str]]]:
    """(highest seq, features) of :func:`_story_rows`, STORY_CHUNK at a time."""
    for chunk in _chunks_iter(_story_rows(con, last), STORY_CHUNK):
        yield chunk[-1][0], [f for _, f in chunk]


def _feed_live(conn: Any, rows: Iterator[tuple[int, str]], live: _Live, upto: list[int]) -> bool:
    """Send ``conn`` the features of the stored ``rows`` and of the ``live`` feed merged in seq order, in chunks of
    at most STORY_CHUNK (a shorter one before waiting for the feed, so that the story process is never kept
    waiting for what is here), with ``upto[0]`` the highest seq sent. An article written after the store was read
    can be in both: its stored copy is skipped (the same features). False when the feed closed before its end."""
    chunk: list[str] = []
    top = upto[0]

    def flush() -> None:
        if chunk:
            conn.send(chunk)
            chunk.clear()
            upto[0] = top

    d = next(rows, None)
    while True:
        t = live.peek()
        if d is not None and (t is None or d[0] < t):
            (seq, f), d = d, next(rows, None)
        elif t is None:
            break
        else:
            if d is not None and d[0] == t:
                d = next(rows, None)
            f = live.take(wait=False)
            if f is None:
                flush()
                if (f := live.take(wait=True)) is None:
                    return False
            seq = t
        chunk.append(f)
        top = seq
        if len(chunk) >= STORY_CHUNK:
            flush()
    flush()
    return True


def _story_process(conn: Any, part: int) -> None:
    """The story process: receive the saved clusterer state on ``conn`` (the number of its parts, then each
    part as raw bytes), continue it with the feature chunks arriving after them (None ends them), then send back
    the new state as parts of at most ``part`` bytes (each a ("part",) message, then the raw bytes) and then
    ("ok", rows); or ("error", message); or ("stale",) when the saved state does not load (the main process
    then rebuilds the stories from the start)."""
    from . import storystate

    gc.set_threshold(*WORKER_GC_THRESHOLD)
    try:
        def features() -> Iterator[str]:
            while (chunk := conn.recv()) is not None:
                yield from chunk

        parts = [conn.recv_bytes() for _ in range(conn.recv())]
        blob = b"".join(parts)
        del parts
        clusterer = storystate.loads(blob)
        if blob and clusterer is None:
            for _ in features():  # drain the feed, so that its thread ends
                pass
            conn.send(("stale",))
            return
        del blob
        rows, clusterer = cluster_stories(features(), clusterer)
        # the state (~2.6 GB at 1M articles) goes out in parts as it is written, so that no process holds it
        # whole beside the clusterer: the 1M run was killed for memory when it went as one pickled message
        def send(b: bytes) -> None:  # raw: pickling a part would copy it again on both sides
            conn.send(("part",))
            conn.send_bytes(b)

        storystate.dump_parts(clusterer, send, part)
        conn.send(("ok", rows))
    except Exception as e:  # noqa: BLE001 (reported to the main process, which raises it)
        conn.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


# Bytes per story_state row and per message between the processes: the state of 100k articles is about 260 MB,
# of 1M about 2.4 GB, and one BLOB of that size does not fit an Arrow binary array (2 GiB at most) nor sit well
# in one DuckDB value. Each part is copied a few times on its way (written, sent, received, stored), so a part
# costs a few times its size in memory for a moment: 64 MiB rather than 256.
STATE_PART = 64 * 2**20
STATE_STORAGE = "USING COMPRESSION uncompressed"  # of story_state.state (see _next_state)


def _state_parts(state: bytes | list[bytes], size: int | None = None) -> pa.ChunkedArray:
    """``state`` (or its parts) cut into parts of ``size`` bytes (default :data:`STATE_PART`) as Arrow
    large-binary values over its buffers (no copy)."""
    import numpy as np

    size = size or STATE_PART
    if isinstance(state, list):
        parts = [memoryview(p) for p in state]
    else:
        view = memoryview(state)
        parts = [view[at:at + size] for at in range(0, len(state), size)] or [view]
    return pa.chunked_array([pa.Array.from_buffers(pa.large_binary(), 1, [
        None, pa.py_buffer(np.array([0, len(p)], np.int64)), pa.py_buffer(p)]) for p in parts], pa.large_binary())


def _save_stories(store: Store, last: int, produce: Callable[[Callable[[bytes], None]], list[tuple]]) -> int:
    """Replace the stories and the saved clusterer state: ``produce(emit)`` hands the state to ``emit`` part by
    part and returns the story rows; when it raises, nothing changes. Returns the number of stories.

    Each part is committed as it comes into a table of its own, ``story_state_next``; one transaction then
    writes the story rows and renames that table to ``story_state`` (the old state is dropped). A state held
    in one open transaction stays in memory beyond DuckDB's limit until the commit: 9.45 GiB in the main
    process at 1M articles (2.26 GiB of state). A crash before the rename leaves the old state and stories
    whole; the next run starts the next state afresh."""
    return _commit_stories(store.con, _next_state(store.con, last, produce))


def _next_state(con: Any, last: int, produce: Callable[[Callable[[bytes], None]], list[tuple]]) -> list[tuple]:
    """The first half of :func:`_save_stories`: the state's parts into ``story_state_next`` (on ``con``, which may
    be a cursor of its own, beside other work on the store's connection); returns the story rows."""
    _sql(con, "DROP TABLE IF EXISTS story_state_next")
    # Stored as it is: DuckDB's compression of the state (to ~57%) cost more CPU than writing it 1.75 times as large
    # (the 100k run's 237 MB, insert and checkpoint in that store: 2.8 s of CPU, 1.3 s uncompressed); every
    # run, incremental ones too, writes the whole state again.
    _sql(con, f"CREATE TABLE story_state_next (last_seq BIGINT, state BLOB {STATE_STORAGE}, part INTEGER DEFAULT 0)")
    part = [0]

    def emit(b: bytes) -> None:
        # through Arrow: binding a 260 MB state (100k articles) as a parameter took 3.3 s, this ~2.2 s
        con.register("_story_state_in", pa.table({"last_seq": pa.array([last], pa.int64()),
                                                   "part": pa.array([part[0]], pa.int32()),
                                                   "state": _state_parts([b])}))
        try:
            _sql(con, "INSERT INTO story_state_next (last_seq, part, state) SELECT last_seq, part, state "
                      "FROM _story_state_in")
        finally:
            con.unregister("_story_state_in")
        part[0] += 1

    try:
        return produce(emit)
    except BaseException:
        _sql(con, "DROP TABLE IF EXISTS story_state_next")
        raise


def _commit_stories(con: Any, rows: list[tuple]) -> int:
    """The second half of :func:`_save_stories`: the story rows, and ``story_state_next`` made the state."""
    with _Tx(con):
        _sql(con, "DELETE FROM stories")
        _insert(con, "stories", rows)
        _sql(con, "DROP TABLE story_state")
        _sql(con, "ALTER TABLE story_state_next RENAME TO story_state")
    return len({r[0] for r in rows})


class _Stale(Exception):
    """The story process could not load the saved state."""


class _Stories:
    """The story step, started: :meth:`finish` writes the stories and returns their number; :meth:`cancel` stops
    a story process still running (after an error elsewhere)."""

    def __init__(self, n: int | None = None, proc: Any = None, finish: Callable[[], int] | None = None,
                 live: _Live | None = None, threads: tuple[threading.Thread, ...] = ()):
        self._n, self._proc, self._finish, self._threads = n, proc, finish, threads
        self.live = live  # the article stage's feed, when the story process takes it as it comes

    def finish(self) -> int:
        if self._n is None:
            assert self._finish is not None
            self._n = self._finish()
        return self._n

    def cancel(self) -> None:
        if self.live is not None:
            self.live.close()
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(timeout=10)
        for t in self._threads:  # they end once the feed is closed or the pipe broken; then their cursors close
            t.join(timeout=10)


def _stories(store: Store, beside: bool = False, coming: list[int] | None = None) -> _Stories:
    """Add the articles that arrived since the saved clusterer state (rebuild when there is no usable state).

    ``beside``: cluster in a process of its own, fed by a thread of this one, so that the sequential story step
    runs beside the parallel stages (it needs only the article stage's facts); otherwise here, before returning.
    ``coming`` (with ``beside``): the seqs, ascending, of the articles the article stage is about to do; their
    features come through the returned step's ``live`` feed as the stage writes them, and the stored ones of
    the others are read as before, the two merged in seq order."""
    from . import storystate

    assert coming is None or beside
    start = _story_start(store, load=not beside, coming=coming is not None)
    if start is None:
        return _Stories(_count(store.con, "SELECT count(DISTINCT story_id) FROM stories"))
    last, parts, clusterer = start
    upto = [last]

    def in_place(last: int, clusterer: StoryClusterer | None) -> int:
        upto[0] = last

        def stream() -> Iterator[str]:
            for seq, chunk in _story_chunks(store.con, last):
                upto[0] = seq
                yield from chunk

        rows, clusterer = cluster_stories(stream(), clusterer)

        def produce(emit: Callable[[bytes], None]) -> list[tuple]:
            storystate.dump_parts(clusterer, emit, STATE_PART)
            return rows

        return _save_stories(store, upto[0], produce)

    if not beside:
        return _Stories(in_place(last, clusterer))
    live = _Live([q for q in coming or () if q > last])  # (without ``coming``: empty, only stored features go)
    ctx = get_context("spawn")
    here, there = ctx.Pipe()
    proc = ctx.Process(target=_story_process, args=(there, STATE_PART), daemon=True, name="newstrace-stories")
    proc.start()
    there.close()
    cursor = store.con.cursor()  # a connection of its own: the feeding thread reads while this one writes

    def feed() -> None:
        try:
            here.send(parts)  # the saved state first, a part at a time
            for i in range(parts):
                here.send_bytes(_state_part(cursor, i))
            if not _feed_live(here, _story_rows(cursor, last), live, upto):
                return  # the run stopped: cancel() ends the story process
            here.send(None)
        except (OSError, EOFError):  # the story process is gone: finish() reports it
            pass
        finally:
            live.close()
            cursor.close()

    feeder = threading.Thread(target=feed, name="newstrace-story-feed", daemon=True)
    feeder.start()

    def produce(emit: Callable[[bytes], None]) -> list[tuple]:
        while True:
            try:
                msg = here.recv()
            except (OSError, EOFError):
                proc.join(timeout=60)
                msg = ("error", f"the story process died (exit code {proc.exitcode})")
            if msg[0] == "part":
                emit(here.recv_bytes())
            elif msg[0] == "ok":
                return msg[1]
            elif msg[0] == "stale":
                raise _Stale
            else:
                raise StoreError(f"story clustering failed: {msg[1]}; finished work is kept, run again to resume")

    # The state is taken in as soon as the story process sends it (once the feed has ended), through a cursor of
    # its own, while this process runs the pair stage: at 1M articles the clusterer ran 467 s on alone after
    # the pairs (run S), much of it sending and storing its 2.4 GB state.
    got: dict[str, Any] = {}

    def receive() -> None:
        feeder.join()
        cur = store.con.cursor()
        try:
            got["rows"] = _next_state(cur, upto[0], produce)
        except BaseException as e:  # noqa: BLE001 (raised again by finish())
            got["error"] = e
        finally:
            cur.close()

    receiver = threading.Thread(target=receive, name="newstrace-story-state", daemon=True)
    receiver.start()

    def finish() -> int:
        try:
            receiver.join()
            if "error" in got:
                raise got["error"]
            return _commit_stories(store.con, got["rows"])
        except _Stale:  # the saved state did not load: rebuild here from the first article
            pass
        finally:
            proc.join(timeout=60)
            here.close()
        return in_place(0, None)

    return _Stories(proc=proc, finish=finish, live=live, threads=(feeder, receiver))


def _query_index(store: Store) -> Callable[[], None]:
    """Start the ART index ``query`` looks fingerprints up by (:mod:`.query`), made once, after the first run's
    bulk inserts (later runs' inserts keep it up to date); returns the call that waits for it. Without it a query
    scans every posting: 10.9M rows and ~70 ms at 100k articles, ten times that at 1M; with it ~25 ms at 100k.
    When it cannot be built (DuckDB builds an ART in memory: too little of it), queries scan, as before.

    It is built on a connection of its own, in a thread, while this one resolves the links: DuckDB leaves
    Python's lock while it builds, and the links step is mostly Python on one core. On a 100k-article store the
    two took 17.4-17.9 s one after the other and 11.8-14.9 s side by side (session 15, the same links)."""
    if _count(store.con, "SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'fingerprints_hash'"):
        return lambda: None
    cur = store.con.cursor()
    failed: list[BaseException] = []

    def build() -> None:
        try:
            with _Tx(cur):
                _sql(cur, "CREATE INDEX fingerprints_hash ON fingerprints (hash)")
        except Exception as e:  # noqa: BLE001 (duckdb.OutOfMemoryException and kin: the store stays as it was)
            failed.append(e)
        finally:
            cur.close()

    builder = threading.Thread(target=build, name="newstrace-query-index", daemon=True)
    builder.start()

    def wait() -> None:
        builder.join()
        if failed:
            import warnings

            e = failed[0]
            warnings.warn(f"no fingerprint index for query ({type(e).__name__}: {e}); queries scan the postings",
                          RuntimeWarning, stacklevel=3)

    return wait


class _Clock:
    """Wall seconds between laps, by name."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.last = now


def run_pipeline(store: Store, *, settings: EngineSettings = EngineSettings(),
                 on_progress: Progress | None = None) -> TraceReport:
    """Run every stage on the articles of ``store`` that have not been through it yet; returns a report.

    With more than one worker the stages run in spawned processes: a script calling this needs the
    ``if __name__ == "__main__":`` guard (raises :class:`StoreError` when a worker dies; rerun to resume)."""
    threshold = gc.get_threshold()
    gc.set_threshold(*WORKER_GC_THRESHOLD)  # this process reads, writes and clusters: the same reasoning
    try:
        return _run_pipeline(store, settings, on_progress)
    finally:
        gc.set_threshold(*threshold)


# DuckDB's share of the machine's memory (Store.memory_share) while worker processes and the story process run
# beside it, and while the query index is built alone at the end. With the default share (0.4) the 1M-article
# run's main process held 9.4 GB of buffer pool beside 7.8 GB of story process and 1.8 GB of workers. With 0.15
# (3.6 GB here) the 1M story step peaked at 9.52 GiB for the tree (story process 5.84, main 3.93; session 10),
# which leaves room for the workers' ~1.8 GB under 12 GiB. Blocks DuckDB drops stay in the kernel's page cache.
STAGE_MEMORY_SHARE = 0.15
# The index over 1M articles' 110M postings: 51 s and 5.1 GiB peak at 0.2, 68 s and 7.4 GiB at 0.3 (DuckDB keeps
# to the limit); at 0.5 the 1M run's tree peaked at 14.3 GiB (session 10).
INDEX_MEMORY_SHARE = 0.3


def _run_pipeline(store: Store, settings: EngineSettings, on_progress: Progress | None) -> TraceReport:
    try:
        return _run_steps(store, settings, on_progress)
    finally:
        store.memory_share(None)


def _pending_articles(con: Any) -> int:
    return _count(con, "SELECT count(*) FROM articles WHERE id NOT IN (SELECT unit FROM stage_done "
                       "WHERE stage = 'article')")


# With a pool, the fingerprints and the candidate join (this process and DuckDB's threads, a core partly idle:
# 3.9% of run K's 100k-article wall time, 4.4% of run L's 1M) run in a thread beside the article stage, which
# needs neither; only the pair stage waits for them. Each side writes through its own connection in its own
# transactions, and no row is written by both, so the rows are those of running one after the other
# (tests/pipeline/test_resume.py compares them; its kill-and-resume tests kill such runs mid-way).
def _run_steps(store: Store, settings: EngineSettings, on_progress: Progress | None) -> TraceReport:
    t0 = time.perf_counter()
    progress = on_progress or (lambda *_: None)
    clock = _Clock()
    ensure(store)
    beside = settings.processes > 1 and _pending_articles(store.con) >= MIN_POOL_UNITS
    laps: dict[str, float] = {}
    side: Future | None = None
    if not beside:
        _fingerprints(store, settings)
        clock.lap("fingerprints")
        n_cand = _candidates(store)
        clock.lap("candidates")
    ex = None
    pending = _pending_articles(store.con) + (0 if beside else _count(
        store.con, "SELECT count(*) FROM candidates WHERE a_id || chr(9) || b_id NOT IN "
                   "(SELECT unit FROM stage_done WHERE stage = 'pair')"))
    if settings.processes > 1 and pending >= MIN_POOL_UNITS:
        ex = ProcessPoolExecutor(max_workers=settings.processes, mp_context=get_context("spawn"),
                                 initializer=_worker_init)
    stories: _Stories | None = None
    store.memory_share(STAGE_MEMORY_SHARE)
    side_runner = ThreadPoolExecutor(1, thread_name_prefix="newstrace-fingerprints") if beside else None
    stop = threading.Event()
    try:
        todo = _article_todo(store.con)
        if side_runner is not None:
            side = side_runner.submit(_fingerprints_and_candidates, store, settings, laps, stop)
        # story clustering is sequential and needs only the article facts: in a process of its own, beside the
        # article stage (fed as it writes) and then the pair stage
        stories = _stories(store, beside=True, coming=list(todo.values())) if ex is not None else None
        new_articles = _articles(store, ex, settings, progress, todo, stories.live if stories else None)
        todo.clear()
        clock.lap("articles")
        if side is not None:
            n_cand = side.result()
            clock.lap("waiting for the candidates")
            clock.laps.update({f"{k} (beside the articles)": v for k, v in laps.items()})
        new_pairs = _pairs(store, ex, settings, progress)
        clock.lap("pairs")
        if ex is not None:  # the workers' memory (~0.9 GB each at 1M) is not needed while the stories finish
            ex.shutdown()
            ex = None
        if stories is not None:
            stories.finish()
            clock.lap("stories")
    except BrokenProcessPool as e:
        raise StoreError(f"a worker process died ({e}); finished work is kept, run again to resume "
                         "(a script needs the if __name__ == '__main__' guard)") from None
    finally:
        if side_runner is not None:  # (after an error too: its last batch ends before the store may close)
            stop.set()
            side_runner.shutdown(wait=True)
        if stories is not None:
            stories.cancel()
        if ex is not None:
            ex.shutdown(cancel_futures=True)
    store.memory_share(INDEX_MEMORY_SHARE)
    index_built = _query_index(store)  # beside the links
    try:
        n_links = _links(store)
        clock.lap("links")
    finally:
        index_built()  # (before the store can close, also after an error)
    clock.lap("query index")  # what is left of building it once the links are done
    if stories is None:  # no pool: the story step in this process, with DuckDB's share of the stages again
        store.memory_share(STAGE_MEMORY_SHARE)
        stories = _stories(store)
        clock.lap("stories")
    n_stories = stories.finish()
    con = store.con
    return TraceReport(articles=_count(con, "SELECT count(*) FROM articles"), new_articles=new_articles,
                       candidates=n_cand, new_pairs=new_pairs, reuse_pairs=_count(con, "SELECT count(*) FROM reuse"),
                       links=n_links, stories=n_stories, seconds=round(time.perf_counter() - t0, 3),
                       errors=_count(con, "SELECT count(*) FROM stage_errors"), stage_seconds=clock.laps)
