"""Reading the pipeline's results back: links and stories as JSON-ready values, and table exports."""

from __future__ import annotations

import json
import os
from typing import Any

from ..errors import ConfigError
from ..store import EXPORT_FORMATS, Store

__all__ = ["EXPORTABLE", "export_table", "link_json", "load_links", "load_stories", "provenance_graph", "story_json"]

_LINK_COLS = ("a_id", "b_id", "source", "derived", "direction", "confidence", "credited", "churn", "common_source",
              "evidence", "untaken", "fresh_quotes")
EXPORTABLE = ("reuse", "passages", "quotes", "credits", "quote_matches", "links", "stories", "candidates")


def load_links(store: Store) -> list[dict[str, Any]]:
    """Every row of ``links`` as a dict (JSON columns decoded), ordered by pair."""
    rows = store.con.execute(f"SELECT {', '.join(_LINK_COLS)} FROM links ORDER BY a_id, b_id").fetchall()  # noqa: S608
    out = []
    for r in rows:
        d = dict(zip(_LINK_COLS, r))
        for k in ("evidence", "untaken", "fresh_quotes"):
            d[k] = json.loads(d[k])
        out.append(d)
    return out


def load_stories(store: Store) -> dict[str, list[str]]:
    """Story id -> article ids in arrival order, stories in the order of their first article."""
    rows = store.con.execute("SELECT s.story_id, s.article_id FROM stories s JOIN articles a ON a.id = s.story_id "
                             "ORDER BY a.seq, s.position").fetchall()
    out: dict[str, list[str]] = {}
    for sid, aid in rows:
        out.setdefault(sid, []).append(aid)
    return out


def link_json(row: dict[str, Any]) -> dict[str, Any]:
    """The ``trace --json`` object of one link."""
    churn = row["churn"]
    return {"source": row["source"], "derived": row["derived"], "a": row["a_id"], "b": row["b_id"],
            "direction": row["direction"], "confidence": round(row["confidence"], 3), "credited": row["credited"],
            "churn": None if churn is None else round(churn, 3), "common_source": row["common_source"],
            "evidence": row["evidence"]}


def story_json(story_id: str, articles: list[str]) -> dict[str, Any]:
    """The ``trace --json`` object of one story."""
    return {"story": story_id, "articles": articles}


def export_table(store: Store, table: str, out: str | os.PathLike[str], *, format: str = "parquet") -> int:
    """Write one pipeline table to ``out`` as Parquet or JSON Lines; returns the row count."""
    if table not in EXPORTABLE:
        raise ConfigError(f"unknown table {table!r}; use one of {', '.join(EXPORTABLE)}")
    if format not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
    rel = store.con.sql(f"SELECT * FROM {table} ORDER BY ALL")  # noqa: S608 (table checked against EXPORTABLE)
    tab = rel.to_arrow_table()
    if format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(tab, os.fspath(out))
        return tab.num_rows
    with open(out, "w", encoding="utf-8") as f:
        for row in tab.to_pylist():
            f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    return tab.num_rows


def provenance_graph(store: Store):  # type: ignore[no-untyped-def]
    """The provenance graph of the whole store (:func:`newstrace.provenance.story_graph` over every link; each
    story is one connected part), with every article as a node."""
    from ..provenance import Evidence, Link, story_graph
    from . import codec

    links = [Link(r["a_id"], r["b_id"], r["direction"], r["confidence"],
                  tuple(Evidence(e["kind"], e["detail"], e["weight"]) for e in r["evidence"]), r["credited"],
                  r["churn"], r["common_source"]) for r in load_links(store)]
    facts = [codec.facts_from(f) for (f,) in store.con.execute(
        "SELECT f.facts FROM article_facts f JOIN articles a ON a.id = f.article_id ORDER BY a.seq").fetchall()]
    return story_graph(links, articles=facts)
