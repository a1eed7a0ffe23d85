"""Candidate pairs without comparing all pairs: a join of low-document-frequency n-gram postings.

Following passim, two texts are a candidate pair when they share at least ``min_shared`` n-grams that occur in
at most ``max_df`` texts of the corpus (frequent n-grams are boilerplate and would pair everything). The count
does not depend on the texts' lengths, so a short passage inside a long article is found as surely as a whole
copied article (containment-aware); ``containment`` = shared / size of the smaller fingerprint ranks them.

The join is relational (SQL in DuckDB; the same query runs on Spark). :func:`candidate_pairs_numpy` is a pure
numpy path for small inputs and the reference the DuckDB path is tested against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ConfigError
from .fingerprint import Postings

__all__ = ["CandidateSettings", "Candidates", "candidate_pairs", "candidate_pairs_numpy"]


@dataclass(frozen=True, slots=True)
class CandidateSettings:
    """Options of the postings join.

    min_shared: rare n-grams two texts must share. 2: one shared 3-content-word n-gram is sometimes chance
        (a name and two common words); two are not, and a 300-character reused passage keeps far more than two
        (bench/candidates.py).
    max_df: n-grams in more texts than this are dropped (boilerplate, wire datelines). 50 as in passim's
        default order of magnitude; raise it for corpora where one story is reprinted more widely.
    """

    min_shared: int = 2
    max_df: int = 50

    def __post_init__(self) -> None:
        if self.min_shared < 1:
            raise ConfigError(f"min_shared must be at least 1, got {self.min_shared}")
        if self.max_df < 2:
            raise ConfigError(f"max_df must be at least 2, got {self.max_df}")


DEFAULT_CANDIDATES = CandidateSettings()


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs ``(a[k], b[k])`` with ``a < b``, their shared rare n-grams and containment."""

    a: np.ndarray
    b: np.ndarray
    shared: np.ndarray
    containment: np.ndarray

    def __len__(self) -> int:
        return len(self.a)

    def pairs(self) -> set[tuple[int, int]]:
        return set(zip(self.a.tolist(), self.b.tolist()))


_SQL = """
WITH rare AS (SELECT hash FROM postings GROUP BY hash HAVING count(*) BETWEEN 2 AND $max_df),
     p AS (SELECT doc, hash FROM postings SEMI JOIN rare USING (hash))
SELECT p1.doc AS a, p2.doc AS b, count(*) AS shared
FROM p AS p1 JOIN p AS p2 ON p1.hash = p2.hash AND p1.doc < p2.doc
GROUP BY p1.doc, p2.doc
HAVING count(*) >= $min_shared
ORDER BY a, b
"""


def _with_containment(a: np.ndarray, b: np.ndarray, shared: np.ndarray, sizes: np.ndarray) -> Candidates:
    small = np.minimum(sizes[a], sizes[b]).astype(np.float64) if len(a) else np.zeros(0)
    cont = np.where(small > 0, shared / np.maximum(small, 1), 0.0)
    return Candidates(a.astype(np.int64), b.astype(np.int64), shared.astype(np.int64), cont)


def candidate_pairs(p: Postings, settings: CandidateSettings = DEFAULT_CANDIDATES, *, con=None) -> Candidates:
    """Candidate pairs by a SQL join of the postings in DuckDB (``con``: an open connection, else in memory)."""
    import duckdb
    import pyarrow as pa

    own = con is None
    if con is None:
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")  # a library never prints
    try:
        con.register("postings", pa.table({"doc": p.doc, "hash": p.hash}))
        rows = con.execute(_SQL, {"max_df": settings.max_df, "min_shared": settings.min_shared}).fetchnumpy()
        con.unregister("postings")
    finally:
        if own:
            con.close()
    return _with_containment(np.asarray(rows["a"]), np.asarray(rows["b"]), np.asarray(rows["shared"]),
                             p.sizes())


def candidate_pairs_numpy(p: Postings, settings: CandidateSettings = DEFAULT_CANDIDATES) -> Candidates:
    """The same pairs as :func:`candidate_pairs`, computed with numpy alone (for small inputs and tests)."""
    order = np.lexsort((p.doc, p.hash))
    h, d = p.hash[order], p.doc[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    lengths = np.diff(np.r_[starts, len(h)])
    keys = []
    for df in np.unique(lengths):
        if df < 2 or df > settings.max_df:
            continue
        runs = starts[lengths == df]
        block = d[runs[:, None] + np.arange(df)]  # (runs, df) docs sharing one n-gram, sorted
        i, j = np.triu_indices(df, k=1)
        keys.append((block[:, i] * p.n_docs + block[:, j]).ravel())
    if not keys:
        z = np.zeros(0, dtype=np.int64)
        return _with_containment(z, z, z, p.sizes())
    uniq, counts = np.unique(np.concatenate(keys), return_counts=True)
    keep = counts >= settings.min_shared
    uniq, counts = uniq[keep], counts[keep]
    return _with_containment(uniq // p.n_docs, uniq % p.n_docs, counts, p.sizes())
