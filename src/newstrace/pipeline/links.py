"""Corpus links kept up to date: only the connected parts of the link graph that changed are resolved again.

:func:`~newstrace.provenance.resolve_in_corpus` decides each link from other links and pair facts reached through
shared articles (a source Z of both X and Y, a chain Z -> X -> Y), never from articles with no path of pairwise
links to it. So when pairwise links appear or go, only the links of the connected components (of the graph of
``pair_links``) that hold a changed pair can change; those are resolved again, whole, and the rest is kept.
The changed pairs are found by comparing ``pair_links`` with ``links`` (one row per pair in each), so no marker
is needed: a run killed before the links were written finds the same difference again.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from .sql import insert, sql
from .stages import provenance_stage

__all__ = ["update_links"]

_CHANGED = """
WITH diff AS (SELECT a_id, b_id FROM pair_links ANTI JOIN links USING (a_id, b_id)
              UNION ALL SELECT a_id, b_id FROM links ANTI JOIN pair_links USING (a_id, b_id))
SELECT a_id FROM diff UNION SELECT b_id FROM diff
"""


def _components(edges: list[tuple[str, str]], seeds: set[str]) -> set[str]:
    """The articles connected to any of ``seeds`` by ``edges`` (union-find with path halving)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    roots = {find(s) for s in seeds}
    return {x for x in parent if find(x) in roots} | seeds


def update_links(con: Any) -> int:
    """Bring ``links`` up to date with ``pair_links`` in the caller's transaction; returns the number of links."""
    changed = {r[0] for r in sql(con, _CHANGED)}
    if changed:
        part = _components(sql(con, "SELECT a_id, b_id FROM pair_links"), changed)
        con.register("_part", pa.table({"id": pa.array(sorted(part), pa.string())}))
        try:
            rows = provenance_stage(sql(con, "SELECT a_id, b_id, link, facts FROM pair_links "
                                             "WHERE a_id IN (SELECT id FROM _part)"))
            sql(con, "DELETE FROM links WHERE a_id IN (SELECT id FROM _part) OR b_id IN (SELECT id FROM _part)")
        finally:
            con.unregister("_part")
        insert(con, "links", rows)
    return int(sql(con, "SELECT count(*) FROM links")[0][0])
