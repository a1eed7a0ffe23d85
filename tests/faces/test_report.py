"""The static report: escaped data block, CSP, layout, CLI, and the seeds' story."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.report import report_data, script_json
from newstrace.report.layout import layout
from newstrace.store import Store
from newstrace.views import Views

from .conftest import PWN


def test_script_json_cannot_close_the_element() -> None:
    obj = {"t": "</script><script>x</script> & <!-- \u2028\u2029 </SCRIPT", "n": [1, None]}
    text = str(script_json(obj))
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == obj


def _data_block(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="nt-data">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_report_is_self_contained_and_escaped(report_path: Path) -> None:
    html = report_path.read_text(encoding="utf-8")
    assert html.count("<script") == 2 and html.count("</script>") == 2  # the data block and the page script
    block = re.search(r'id="nt-data">(.*?)</script>', html, re.S).group(1)
    assert "__pwned" in block and not re.search("[<>&\u2028\u2029]", block)  # payloads only as JSON escapes
    assert "__pwned" not in html.replace(block, "")
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html)  # nothing loaded from the network
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    script = re.search(r"<script>(.*)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def test_report_data_shapes(report_path: Path) -> None:
    data = _data_block(report_path.read_text(encoding="utf-8"))
    arts = data["articles"]
    hostile = next(a for a in arts if a["id"] == "hostile-1")
    assert "<script>" + PWN in hostile["text"] and hostile["url"] is None  # text intact; javascript: URL dropped
    fire = next(s for s in data["stories"] if any(arts[i]["outlet"] == "Northshore Wire" for i in s["articles"]))
    credited = [lk for lk in fire["links"] if lk["credited"]]
    assert credited and all(arts[lk["source"]]["outlet"] == "Northshore Wire" for lk in credited)
    lk = credited[0]
    assert lk["passages"] and all(p[4] in ("verbatim", "edited", "paraphrase") for p in lk["passages"])
    assert lk["quotes"] and {q[4] for q in lk["quotes"]} <= {"exact", "truncated", "extended", "altered", "spliced"}
    g = fire["graph"]
    assert {n["id"] for n in g["nodes"]} == set(fire["articles"]) and g["edges"]


def test_layout_layers_and_cycles() -> None:
    g = layout(["a", "b", "c", "d"], [("a", "b", True), ("b", "c", False), ("c", "a", True)], [("a", "d")])
    layers = {n["id"]: n["layer"] for n in g["nodes"]}
    assert layers == {"a": 0, "b": 1, "c": 2, "d": 0}
    directed = {(e["source"], e["derived"]) for e in g["edges"] if e["directed"]}
    assert directed == {("a", "b"), ("b", "c")}  # the cycle-closing link is drawn undirected
    assert {(e["source"], e["derived"]) for e in g["edges"] if not e["directed"]} == {("c", "a"), ("a", "d")}
    assert all(0 <= e[k] <= g["width"] for e in g["edges"] for k in ("x1", "x2"))


def test_report_on_an_empty_store(tmp_path: Path) -> None:
    with Store(tmp_path / "e.duckdb") as s:
        data = report_data(Views(s))
    assert data["articles"] == [] and data["stories"] == []


def test_cli_report(writable_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", "--db", str(writable_store), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists() and str(out.resolve()) in res.output
    res = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(out)])
    assert res.exit_code == 2 and "no store" in res.output


@pytest.mark.shared
def test_seeds_one_story_credited_quotes_on_both_sides(seeds: tuple[Path, Path], tmp_path: Path) -> None:
    from newstrace import ingest

    ingest([str(p) for p in seeds], db=tmp_path / "seeds.duckdb")
    with Store(tmp_path / "seeds.duckdb", read_only=True) as s:
        data = report_data(Views(s))
    [story] = data["stories"]
    assert len(story["articles"]) == 2
    [lk] = story["links"]
    assert lk["credited"] is True and lk["source"] is not None
    assert lk["quotes"] and lk["passages"]
    a, b = data["articles"][lk["a"]]["text"], data["articles"][lk["b"]]["text"]
    for q in lk["quotes"]:
        assert 0 <= q[0] < q[1] <= len(a) and 0 <= q[2] < q[3] <= len(b)
