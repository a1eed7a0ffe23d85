"""Corpus links kept up to date: only links whose neighbourhood changed are resolved again.

:func:`~newstrace.provenance.resolve_in_corpus` decides link X, Y from the pairwise links that involve X or Y
(a confident source Z of both, and the facts of X-Z, Y-Z, X-Y). So when pairwise links appear or go, only the
links touching their articles (the *touched* set T) can change, and resolving them needs every pairwise link of
their endpoints. The touched articles are found by comparing ``pair_links`` with ``links`` (one row per pair in
each), so no marker is needed: a run killed before the links were written finds the same difference again.
"""

from __future__ import annotations

from typing import Any

from .sql import insert, sql
from .stages import provenance_stage

__all__ = ["update_links"]

_TOUCHED = """
CREATE OR REPLACE TEMP TABLE _touched AS
WITH diff AS (SELECT a_id, b_id FROM pair_links ANTI JOIN links USING (a_id, b_id)
              UNION ALL SELECT a_id, b_id FROM links ANTI JOIN pair_links USING (a_id, b_id))
SELECT a_id AS id FROM diff UNION SELECT b_id FROM diff
"""
# The pairwise links to resolve again (an endpoint touched) and every pairwise link of their endpoints.
_REDO = ("SELECT a_id, b_id FROM pair_links "
         "WHERE a_id IN (SELECT id FROM _touched) OR b_id IN (SELECT id FROM _touched)")
_INPUT = """
WITH redo AS ({redo}), ends AS (SELECT a_id AS id FROM redo UNION SELECT b_id FROM redo)
SELECT a_id, b_id, link, facts FROM pair_links WHERE a_id IN (SELECT id FROM ends) OR b_id IN (SELECT id FROM ends)
"""


def update_links(con: Any) -> int:
    """Bring ``links`` up to date with ``pair_links`` in the caller's transaction; returns the number of links."""
    sql(con, _TOUCHED)
    if sql(con, "SELECT count(*) FROM _touched")[0][0]:
        redo = set(sql(con, _REDO))
        rows = provenance_stage(sql(con, _INPUT.format(redo=_REDO)))
        sql(con, "DELETE FROM links WHERE a_id IN (SELECT id FROM _touched) OR b_id IN (SELECT id FROM _touched)")
        insert(con, "links", [r for r in rows if (r[0], r[1]) in redo])
    sql(con, "DROP TABLE IF EXISTS _touched")
    return int(sql(con, "SELECT count(*) FROM links")[0][0])
