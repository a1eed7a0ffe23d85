"""``newstrace trace`` on examples/: JSON shapes, the relations the corpus was written to show, offsets, export."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# What the examples trace to: links and stories (--json), passages and quotation matches. Rewrite it on purpose
# with NEWSTRACE_REGEN_GOLDEN=1 when a stage is meant to change its results.
GOLDEN = Path(__file__).parent / "golden" / "examples_trace.json"
LINK_KEYS = {"source", "derived", "direction", "confidence", "credited", "churn", "evidence"}


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], dict[str, str]]:
    """The examples traced once: (store, the --json lines, outlet -> article id)."""
    db = tmp_path_factory.mktemp("ex") / "ex.duckdb"
    res = CliRunner().invoke(app, ["trace", str(EXAMPLES), "--db", str(db), "--json", "--workers", "1"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    with Store(db, read_only=True) as s:
        ids = {a.outlet: a.id for a in s.articles()}
    return db, lines, ids


def _link(lines: list[dict], x: str, y: str) -> dict | None:
    return next((d for d in lines if "direction" in d and {d["a"], d["b"]} == {x, y}), None)


def _story(lines: list[dict], aid: str) -> set[str]:
    return next(set(d["articles"]) for d in lines if "story" in d and aid in d["articles"])


def test_json_shapes(traced: tuple) -> None:
    _, lines, ids = traced
    links = [d for d in lines if "direction" in d]
    stories = [d for d in lines if "story" in d]
    assert links and stories and len(links) + len(stories) == len(lines)
    for d in links:
        assert LINK_KEYS <= set(d)
        assert d["direction"] in ("a->b", "b->a", "common-source", "unknown")
        assert 0.0 <= d["confidence"] <= 1.0
        assert all({"kind", "detail", "weight"} <= set(e) for e in d["evidence"])
        if d["direction"] in ("a->b", "b->a"):
            assert {d["source"], d["derived"]} == {d["a"], d["b"]} and 0.0 <= d["churn"] <= 1.0
    for d in stories:
        assert set(d) == {"story", "articles"} and d["story"] in d["articles"]
    members = [a for d in stories for a in d["articles"]]
    assert sorted(members) == sorted(ids.values())  # every article in exactly one story


def test_example_relations(traced: tuple) -> None:
    _, lines, ids = traced
    wire, post, copy = ids["Northshore Wire"], ids["Varrow Evening Post"], ids["Coastline Daily"]
    herald, ledger, gazette = ids["The County Herald"], ids["The Maritime Ledger"], ids["Harbour Gazette"]
    credited = _link(lines, wire, post)
    assert credited and credited["source"] == wire and credited["credited"] is True
    uncredited = _link(lines, wire, copy)
    assert uncredited and uncredited["source"] == wire and uncredited["credited"] is False
    assert uncredited["churn"] > 0.9
    assert _link(lines, wire, ledger) is not None  # partial reuse is found (its direction: see below)
    assert not any(d for d in lines if "direction" in d and herald in (d["a"], d["b"]))  # independent
    assert {wire, post, copy, herald, ledger} <= _story(lines, wire)
    assert _story(lines, gazette) == {gazette}


def test_partial_reuse_direction(traced: tuple) -> None:
    _, lines, ids = traced
    lk = _link(lines, ids["Northshore Wire"], ids["The Maritime Ledger"])
    assert lk and lk["source"] == ids["Northshore Wire"]


def test_passage_offsets_and_export(traced: tuple, tmp_path: Path) -> None:
    db, _, _ = traced
    with Store(db, read_only=True) as s:
        arts = {a.id: a for a in s.articles()}
        rows = s.con.execute("SELECT a_id, b_id, a_start, a_end, b_start, b_end, kind, a_src_start, a_src_end, "
                             "b_src_start, b_src_end FROM passages").fetchall()
        n_reuse = s.con.execute("SELECT count(*) FROM reuse").fetchall()[0][0]
    assert rows and n_reuse
    for a_id, b_id, a0, a1, b0, b1, kind, sa0, sa1, sb0, sb1 in rows:
        a, b = arts[a_id], arts[b_id]
        assert 0 <= a0 < a1 <= len(a.text) and 0 <= b0 < b1 <= len(b.text)
        assert a.span_to_source(a0, a1) == (sa0, sa1) and b.span_to_source(b0, b1) == (sb0, sb1)
        if kind == "verbatim":
            assert re.findall(r"\w+", a.text[a0:a1].lower()) == re.findall(r"\w+", b.text[b0:b1].lower())
    out = tmp_path / "reuse.jsonl"
    res = CliRunner().invoke(app, ["export-table", "reuse", str(out), "--db", str(db), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    got = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(got) == n_reuse and {"a_id", "b_id", "a_share", "b_share", "n_passages"} <= set(got[0])
    res = CliRunner().invoke(app, ["export-table", "nope", str(out), "--db", str(db)])
    assert res.exit_code == 2


def test_tree_output(traced: tuple) -> None:
    db, _, _ = traced
    res = CliRunner().invoke(app, ["trace", "--db", str(db), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "UNCREDITED" in res.stdout and "credited" in res.stdout and "independent" in res.stdout


def test_trace_without_paths_needs_a_store(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["trace", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and not (tmp_path / "none.duckdb").exists()


def test_graphml(traced: tuple, tmp_path: Path) -> None:
    import networkx as nx

    db, _, ids = traced
    out = tmp_path / "g.graphml"
    res = CliRunner().invoke(app, ["trace", "--db", str(db), "--workers", "1", "--graphml", str(out)])
    assert res.exit_code == 0, res.output
    g = nx.read_graphml(out)
    assert set(ids.values()) <= set(g.nodes)
    edge = g.edges[ids["Northshore Wire"], ids["Coastline Daily"]]
    assert edge["credited"] is False and edge["direction"] in ("a->b", "b->a")


def test_trace_output_is_pinned(traced: tuple) -> None:
    db, lines, _ = traced
    with Store(db, read_only=True) as s:
        tables = {t: [list(r) for r in s.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()]
                  for t in ("passages", "quote_matches")}
    got = json.loads(json.dumps({"trace": sorted(lines, key=json.dumps), **tables}, sort_keys=True))
    if os.environ.get("NEWSTRACE_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    assert got == json.loads(GOLDEN.read_text())
