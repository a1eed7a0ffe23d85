""""Where did this come from?": the stored articles a new text took from, with the passages they share.

A lookup index over the store: every article's rare fingerprint n-grams (:mod:`newstrace.fingerprint`) in a
table ``where_postings (seq BIGINT, hash BIGINT)`` keyed by the article's ``seq``, extended with new articles on
first use (``meta`` key ``where:seq`` is the last one indexed). N-grams in more than ``max_df`` articles are
boilerplate (as in :mod:`newstrace.candidates`): they move to ``where_common`` and their postings are dropped.
A read-only store gets the same tables in an in-memory DuckDB instead. The postings are held in memory sorted
by hash; a query text's n-grams are looked up by binary search, and the articles sharing the most are aligned
with :func:`newstrace.reuse.compare`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from ..candidates import DEFAULT_CANDIDATES
from ..fingerprint import fingerprint, postings
from ..model import Article
from ..store import Store
from ..views import ArticleRef, PassageView, compare_pair

__all__ = ["Source", "WhereIndex"]

WHERE_VERSION = 2
_DDL = ["DROP TABLE IF EXISTS where_postings", "DROP TABLE IF EXISTS where_common",
        "DELETE FROM meta WHERE key = 'where:seq'",
        "CREATE TABLE where_postings (seq BIGINT, hash BIGINT)", "CREATE TABLE where_common (hash BIGINT)"]
INDEX_BATCH = 5_000  # articles fingerprinted per batch while indexing
# Articles aligned per query: the top candidates by shared rare n-grams (alignment costs tens of milliseconds
# per article, and a text rarely takes from more than a handful of sources).
TOP = 8

# After each extension: n-grams now in more than max_df articles become common for good (a document frequency
# only grows), and their postings are dropped, so a lookup only ever touches rare postings.
_PRUNE = ["INSERT INTO where_common SELECT hash FROM where_postings GROUP BY hash HAVING count(*) > $max_df",
          "DELETE FROM where_postings WHERE hash IN (SELECT hash FROM where_common)"]


@dataclass(frozen=True, slots=True)
class Source:
    """A stored article the query text shares passages with (``a`` offsets: the query, ``b``: the article)."""

    article: ArticleRef
    shared_ngrams: int
    passages: tuple[PassageView, ...]
    query_share: float
    article_share: float


def _share(spans: list[tuple[int, int]], n: int) -> float:
    from ..reuse import share

    return share(spans, n)


class WhereIndex:
    """The lookup index of one store (see the module doc). ``lock`` guards the store's connection."""

    def __init__(self, store: Store, *, lock: threading.RLock | None = None, max_df: int = DEFAULT_CANDIDATES.max_df,
                 min_shared: int = DEFAULT_CANDIDATES.min_shared):
        self.store, self.max_df, self.min_shared = store, max_df, min_shared
        self.lock = lock or threading.RLock()
        self.con = store.con
        with self.lock:
            try:
                store.ensure_schema("where", _DDL, version=WHERE_VERSION)
                done = store.con.execute("SELECT value FROM meta WHERE key = 'where:seq'").fetchone()
                self._since = int(done[0]) if done else 0
            except duckdb.Error:  # a read-only store: keep the index in memory
                self.con = duckdb.connect()
                for stmt in _DDL[3:]:
                    self.con.execute(stmt)
                self._since = 0
            self.indexed = self._extend()
            self._load()

    def _load(self) -> None:
        """The postings as two arrays sorted by hash, so a lookup is a binary search, not a table scan
        (12 bytes a posting: about 300 MB for 100,000 articles of 2,500 characters)."""
        cols = self.con.execute("SELECT hash, seq FROM where_postings").fetchnumpy()
        hashes, seqs = np.asarray(cols["hash"], dtype=np.int64), np.asarray(cols["seq"], dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        self._hash, self._seq = hashes[order], seqs[order].astype(np.int32 if len(seqs) and seqs.max() < 2**31
                                                                           else np.int64)

    def _extend(self) -> int:
        """Index articles added since the last run; returns how many were added."""
        added = 0
        cur = self.store.con.cursor()
        try:
            cur.execute("SELECT seq, text FROM articles WHERE seq > ? ORDER BY seq", [self._since])
            while rows := cur.fetchmany(INDEX_BATCH):
                seqs = np.array([r[0] for r in rows], dtype=np.int64)
                p = postings([r[1] for r in rows])
                self.con.register("_where_new", pa.table({"seq": seqs[p.doc], "hash": p.hash}))
                self.con.execute("INSERT INTO where_postings SELECT seq, hash FROM _where_new "
                                 "ANTI JOIN where_common USING (hash)")
                self.con.unregister("_where_new")
                self._since, added = int(seqs[-1]), added + len(rows)
        finally:
            cur.close()
        if added:
            for stmt in _PRUNE:
                self.con.execute(stmt, {"max_df": self.max_df} if "$max_df" in stmt else None)
        if added and self.con is self.store.con:
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('where:seq', ?)", [str(self._since)])
        return added

    def candidates(self, text: str, *, top: int = TOP) -> list[tuple[int, int]]:
        """``(seq, shared rare n-grams)`` of the stored articles most likely to be sources of ``text``."""
        hashes = fingerprint(text).view(np.int64)
        lo = np.searchsorted(self._hash, hashes, "left")
        hi = np.searchsorted(self._hash, hashes, "right")
        hit = hi > lo
        if not hit.any():
            return []
        idx = np.concatenate([np.arange(a, b) for a, b in zip(lo[hit], hi[hit])])
        seqs, shared = np.unique(self._seq[idx], return_counts=True)
        keep = shared >= self.min_shared
        seqs, shared = seqs[keep], shared[keep]
        best = np.lexsort((seqs, -shared))[:top]
        return [(int(seqs[i]), int(shared[i])) for i in best]

    def lookup(self, text: str, *, top: int = TOP) -> list[Source]:
        """The stored articles ``text`` shares passages with, most of the query's text covered first."""
        found = self.candidates(text, top=top)
        if not found:
            return []
        shared = dict(found)
        with self.lock:
            ids = dict(self.store.con.execute("SELECT seq, id FROM articles WHERE list_contains(?, seq)",
                                              [list(shared)]).fetchall())
            arts = list(self.store.articles(ids.values()))
        seq_of = {v: k for k, v in ids.items()}
        query = Article.from_text(text, path="<query>")
        out = []
        for art in arts:
            ps = compare_pair(query, art)
            if not ps:
                continue
            out.append(Source(ArticleRef.of(art), shared[seq_of[art.id]], ps,
                              _share([(p.a_start, p.a_end) for p in ps], len(text)),
                              _share([(p.b_start, p.b_end) for p in ps], len(art.text))))
        return sorted(out, key=lambda s: (-s.query_share, -s.shared_ngrams))
