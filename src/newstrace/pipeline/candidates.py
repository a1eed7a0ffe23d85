"""Candidate pairs kept up to date as articles arrive: only the new articles' postings are joined.

A pair's count of shared rare n-grams (document frequency in ``[2, max_df]``) changes in only two ways when
articles arrive: pairs with a new article appear (found by joining the new postings with every posting of their
n-grams), and pairs of two old articles lose the n-grams whose document frequency crossed ``max_df`` (an old pair
cannot gain one: its postings are fixed and frequencies only grow). Applying both gives exactly the pairs a
fresh :func:`~newstrace.candidates.candidate_pairs` over the whole corpus gives (tests/pipeline/test_candidates.py).

Articles whose postings are in ``candidates`` carry a ``stage_done`` marker ``('candidates', id)``, written in
the same transaction as the pairs; a store without any marker (older schema) is recomputed whole once.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from ..candidates import DEFAULT_CANDIDATES, CandidateSettings
from .schema import PAIR_TABLES

__all__ = ["update_candidates"]

# Pairs (a_id < b_id) with at least one new article and their shared rare n-grams.
_NEW_PAIRS = """
WITH p AS (SELECT f.article_id AS id, f.hash, n.article_id IS NOT NULL AS new
           FROM fingerprints f JOIN _df d ON f.hash = d.hash LEFT JOIN _new n ON f.article_id = n.article_id
           WHERE d.df BETWEEN 2 AND $max_df)
SELECT least(p1.id, p2.id) AS a_id, greatest(p1.id, p2.id) AS b_id, count(*) AS shared
FROM p AS p1 JOIN p AS p2 ON p1.hash = p2.hash AND p1.new AND p1.id <> p2.id AND (NOT p2.new OR p1.id < p2.id)
GROUP BY 1, 2 HAVING count(*) >= $min_shared
"""
# The same when every article is new (a full run): _df holds only the rare n-grams, and no posting is old.
_ALL_PAIRS = """
WITH p AS (SELECT f.article_id AS id, f.hash FROM fingerprints f SEMI JOIN _df d ON f.hash = d.hash)
SELECT p1.id AS a_id, p2.id AS b_id, count(*) AS shared
FROM p AS p1 JOIN p AS p2 ON p1.hash = p2.hash AND p1.id < p2.id
GROUP BY 1, 2 HAVING count(*) >= $min_shared
"""
# Old pairs and the n-grams they shared that are no longer rare (document frequency crossed max_df).
_LOST = """
WITH c AS (SELECT hash FROM _df WHERE df - n_new BETWEEN 2 AND $max_df AND df > $max_df),
     p AS (SELECT article_id AS id, hash FROM fingerprints SEMI JOIN c USING (hash) ANTI JOIN _new USING (article_id))
SELECT p1.id AS a_id, p2.id AS b_id, count(*) AS lost
FROM p AS p1 JOIN p AS p2 ON p1.hash = p2.hash AND p1.id < p2.id GROUP BY 1, 2
"""
_SIZES = """SELECT article_id, count(*)::DOUBLE AS size FROM fingerprints SEMI JOIN
    (SELECT a_id AS article_id FROM _touched UNION SELECT b_id FROM _touched) USING (article_id) GROUP BY 1"""


def _sql(con: Any, sql: str, params: Any = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _new_ids(con: Any) -> tuple[list[str], bool]:
    """Fingerprinted articles not yet in ``candidates``, and whether any article is (False: recompute all)."""
    marked = _sql(con, "SELECT count(*) FROM stage_done WHERE stage = 'candidates'")[0][0] > 0
    new = _sql(con, "SELECT unit FROM stage_done WHERE stage = 'fingerprint' EXCEPT "
                    "SELECT unit FROM stage_done WHERE stage = 'candidates'")
    return sorted(r[0] for r in new), marked


def _frequencies(con: Any, new: list[str], full: bool, max_df: int) -> None:
    """``_new`` (the new article ids) and ``_df`` (each n-gram of a new article: corpus and new frequency).

    ``full`` (every fingerprinted article is new): no ``_new``; the two frequencies are one count, and only the
    n-grams that :data:`_ALL_PAIRS` joins (document frequency in ``[2, max_df]``) are kept, in one pass over the
    postings instead of a semi-join, a count and a join back (100k bench/scale.py articles: 7.5 -> ~2 s of CPU);
    the rows are the same."""
    if full:  # (no ``_new``: nothing reads it then)
        _sql(con, "CREATE OR REPLACE TEMP TABLE _df AS SELECT hash, count(*) AS df, count(*) AS n_new "
                  "FROM fingerprints GROUP BY hash HAVING count(*) BETWEEN 2 AND $max_df", {"max_df": max_df})
        return
    con.register("_new_arrow", pa.table({"article_id": pa.array(new, pa.string())}))
    _sql(con, "CREATE OR REPLACE TEMP TABLE _new AS SELECT * FROM _new_arrow")
    con.unregister("_new_arrow")
    _sql(con, "CREATE OR REPLACE TEMP TABLE _nh AS SELECT hash, count(*) AS n_new FROM fingerprints "
              "SEMI JOIN _new USING (article_id) GROUP BY hash")
    _sql(con, "CREATE OR REPLACE TEMP TABLE _df AS SELECT f.hash, count(*) AS df, any_value(n.n_new) AS n_new "
              "FROM fingerprints f JOIN _nh n ON f.hash = n.hash GROUP BY f.hash")


def _apply(con: Any, s: CandidateSettings, full: bool) -> None:
    """Add the new pairs and lower (or drop) the old pairs that lost n-grams, with containment recomputed."""
    if full:
        _sql(con, f"CREATE OR REPLACE TEMP TABLE _pairs AS {_ALL_PAIRS}", {"min_shared": s.min_shared})  # noqa: S608
    else:
        params = {"max_df": s.max_df, "min_shared": s.min_shared}
        _sql(con, f"CREATE OR REPLACE TEMP TABLE _pairs AS {_NEW_PAIRS}", params)  # noqa: S608 (our SQL)
    lost = "SELECT NULL::VARCHAR AS a_id, NULL::VARCHAR AS b_id, 0::BIGINT AS lost WHERE false" if full else _LOST
    _sql(con, f"CREATE OR REPLACE TEMP TABLE _lost AS {lost}", None if full else {"max_df": s.max_df})  # noqa: S608
    _sql(con, "CREATE OR REPLACE TEMP TABLE _touched AS SELECT c.a_id, c.b_id, c.shared - l.lost AS shared "
              "FROM candidates c JOIN _lost l ON c.a_id = l.a_id AND c.b_id = l.b_id "
              "UNION ALL SELECT a_id, b_id, shared FROM _pairs")
    _sql(con, f"CREATE OR REPLACE TEMP TABLE _sizes AS {_SIZES}")  # noqa: S608
    _sql(con, "CREATE OR REPLACE TEMP TABLE _dropped AS SELECT a_id, b_id FROM _touched "
              "WHERE shared < $min_shared", {"min_shared": s.min_shared})
    _sql(con, "DELETE FROM candidates c USING _lost l WHERE c.a_id = l.a_id AND c.b_id = l.b_id")
    _sql(con, "INSERT INTO candidates SELECT t.a_id, t.b_id, t.shared, t.shared / least(x.size, y.size) "
              "FROM _touched t JOIN _sizes x ON x.article_id = t.a_id JOIN _sizes y ON y.article_id = t.b_id "
              "WHERE t.shared >= $min_shared", {"min_shared": s.min_shared})


def _forget_dropped(con: Any, full: bool) -> None:
    """Rows of pairs that are no longer candidates go, as in a fresh run (all of them on a full recompute)."""
    keep = "(SELECT (a_id, b_id) FROM candidates)"
    for t in PAIR_TABLES:
        if full:
            _sql(con, f"DELETE FROM {t} WHERE (a_id, b_id) NOT IN {keep}")  # noqa: S608 (our table names)
        else:
            _sql(con, f"DELETE FROM {t} x USING _dropped d WHERE x.a_id = d.a_id AND x.b_id = d.b_id")  # noqa: S608
    units = "(SELECT a_id || chr(9) || b_id FROM {})".format("_dropped" if not full else "candidates")
    op = "NOT IN" if full else "IN"
    for t in ("stage_done", "stage_errors"):
        _sql(con, f"DELETE FROM {t} WHERE stage = 'pair' AND unit {op} {units}")  # noqa: S608


def update_candidates(con: Any, settings: CandidateSettings = DEFAULT_CANDIDATES) -> int:
    """Bring ``candidates`` up to date with every fingerprinted article; returns the number of pairs.

    Runs in the caller's transaction (the pairs and the markers commit together)."""
    new, marked = _new_ids(con)
    if new:
        full = not marked
        if full:
            _sql(con, "DELETE FROM candidates")
        _frequencies(con, new, full, settings.max_df)
        _apply(con, settings, full)
        _forget_dropped(con, full)
        con.register("_marks", pa.table({"unit": pa.array(new, pa.string())}))
        _sql(con, "INSERT INTO stage_done SELECT 'candidates', unit FROM _marks")
        con.unregister("_marks")
        for t in ("_new", "_nh", "_df", "_pairs", "_lost", "_touched", "_sizes", "_dropped"):
            _sql(con, f"DROP TABLE IF EXISTS {t}")  # noqa: S608
    return int(_sql(con, "SELECT count(*) FROM candidates")[0][0])
