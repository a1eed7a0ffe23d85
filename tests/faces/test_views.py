"""The view model: computed on the fly for a small store, read from stored tables, tolerant of missing stages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newstrace.model import Article
from newstrace.store import Store
from newstrace.views import Views, safe_url


def _story_of(views: Views, outlet: str):
    refs = {r.id: r for r in views.refs()}
    return next(s for s in views.stories() if any(refs[a].outlet == outlet for a in s.articles))


def test_example_story_and_credited_link(views: Views) -> None:
    refs = {r.id: r for r in views.refs()}
    fire = _story_of(views, "Northshore Wire")
    outlets = {refs[a].outlet for a in fire.articles}
    assert {"Northshore Wire", "Varrow Evening Post", "Coastline Daily"} <= outlets
    assert "Harbour Gazette" not in outlets
    assert refs[fire.articles[0]].outlet == "Northshore Wire"  # oldest first
    by = {(refs[lk.source].outlet, refs[lk.derived].outlet): lk for lk in fire.links if lk.source}
    assert by["Northshore Wire", "Varrow Evening Post"].credited is True
    assert by["Northshore Wire", "Coastline Daily"].credited is False
    assert all(v == "computed" for v in views.status().values())


def test_pair_passages_and_quotes_orientation(views: Views) -> None:
    refs = {r.id: r for r in views.refs()}
    wire = next(i for i, r in refs.items() if r.outlet == "Northshore Wire")
    post = next(i for i, r in refs.items() if r.outlet == "Varrow Evening Post")
    ab, ba = views.pair(wire, post), views.pair(post, wire)
    assert ab and ba and ab.passages and ab.quote_matches
    for p in ab.passages:
        assert 0 <= p.a_start < p.a_end <= len(ab.a.text) and 0 <= p.b_start < p.b_end <= len(ab.b.text)
        assert p.kind in ("verbatim", "edited", "paraphrase")
    assert {(p.b_start, p.a_start) for p in ba.passages} == {(p.a_start, p.b_start) for p in ab.passages}
    speakers = {q.speaker_a for q in ab.quote_matches} | {q.speaker_b for q in ab.quote_matches}
    assert "Marta Lindqvist" in speakers


def test_quotes_credits_and_search(views: Views) -> None:
    refs = {r.id: r for r in views.refs()}
    post = views.article(next(i for i, r in refs.items() if r.outlet == "Varrow Evening Post"))
    assert "Northshore Wire" in {c.outlet for c in views.credits(post)}
    assert any(q.speaker == "Marta Lindqvist" for q in views.quotes(post))
    assert {r.outlet for r in views.search("silo evacuated")} >= {"Coastline Daily"}
    assert [r.outlet for r in views.search("", outlet="gazette")] == ["Harbour Gazette"]
    assert {r.outlet for r in views.search("silo", since=dt.date(2025, 3, 13))} == {"The Maritime Ledger"}
    assert views.search("100%_") == []  # LIKE wildcards are literal


def test_safe_url() -> None:
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url(" HTTP://a.example ") == "HTTP://a.example"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "//evil.example", "file:///etc/passwd",
                "", None, "http://[bad"):
        assert safe_url(bad) is None


def _stored(path: Path) -> None:
    with Store(path) as s:
        s.add_articles([Article.from_text("Alpha text about the pier fire. " * 5, id="x", outlet="One"),
                        Article.from_text("Beta text about the pier fire. " * 5, id="y", outlet="Two")])
        s.con.execute("CREATE TABLE stories (story VARCHAR, article VARCHAR)")
        s.con.execute("INSERT INTO stories VALUES ('s1', 'x'), ('s1', 'y')")
        s.con.execute("CREATE TABLE links (a VARCHAR, b VARCHAR, direction VARCHAR, confidence DOUBLE, "
                      "credited BOOLEAN, churn DOUBLE, common_source VARCHAR, evidence JSON)")
        s.con.execute("INSERT INTO links VALUES ('x', 'y', 'a->b', 0.9, true, 0.5, NULL, ?)",
                      [json.dumps([{"kind": "dates", "detail": "x first", "weight": 3.0}])])
        s.con.execute("CREATE TABLE passages (a VARCHAR, b VARCHAR, a_start BIGINT, a_end BIGINT, b_start BIGINT, "
                      "b_end BIGINT, kind VARCHAR, similarity DOUBLE)")
        s.con.execute("INSERT INTO passages VALUES ('x', 'y', 0, 5, 10, 14, 'edited', 0.8)")
        s.con.execute("CREATE TABLE quote_matches (a VARCHAR, b VARCHAR, a_start BIGINT, a_end BIGINT, "
                      "b_start BIGINT, b_end BIGINT, match VARCHAR, diff JSON, misattributed BOOLEAN, "
                      "speaker_a VARCHAR, speaker_b VARCHAR)")
        s.con.execute("INSERT INTO quote_matches VALUES ('x', 'y', 1, 4, 2, 3, 'truncated', ?, false, 'A', 'B')",
                      [json.dumps([{"op": "delete", "a": "old", "b": ""}])])
        s.con.execute('CREATE TABLE quotes (article VARCHAR, start BIGINT, "end" BIGINT, kind VARCHAR, '
                      "speaker VARCHAR, role VARCHAR)")
        s.con.execute("INSERT INTO quotes VALUES ('x', 0, 5, 'direct', 'Ann Lee', 'mayor')")


@pytest.mark.parametrize("prefetch", [False, True])
def test_stored_tables(tmp_path: Path, prefetch: bool) -> None:
    _stored(tmp_path / "s.duckdb")
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        v = Views(s, compute_limit=0)
        if prefetch:
            v.prefetch()
        st = v.status()
        assert st["stories"] == st["links"] == st["passages"] == st["quotes"] == "stored"
        assert st["credits"].startswith("not computed")
        [story] = v.stories()
        assert story.articles == ("x", "y") and story.links[0].source == "x" and story.links[0].credited
        assert story.links[0].evidence[0]["kind"] == "dates"
        yx = v.pair("y", "x")
        assert yx.passages[0].a_start == 10 and yx.passages[0].b_end == 5  # swapped to the asked order
        assert yx.quote_matches[0].match == "extended" and yx.quote_matches[0].diff[0]["b"] == "old"
        assert v.quotes(v.article("x"))[0].speaker == "Ann Lee"
        assert v.credits(v.article("x")) is None


def test_missing_stages_do_not_crash(tmp_path: Path) -> None:
    with Store(tmp_path / "e.duckdb") as s:
        s.add_articles([Article.from_text("Only one article here.", id="z")])
        v = Views(s, compute_limit=0)
        assert v.stories() == [] and v.link("z", "z") is None
        assert v.quotes(v.article("z")) is None and v.credits(v.article("z")) is None
        assert v.pair("z", "missing") is None
        assert all(x.startswith("not computed") for x in v.status().values())


def test_pipeline_tables(tmp_path: Path) -> None:
    """The tables of ``newstrace trace`` (newstrace.pipeline.schema) are read; empty ones count as not run."""
    from newstrace.pipeline.schema import ensure

    with Store(tmp_path / "p.duckdb") as s:
        s.add_articles([Article.from_text("Gamma said the quay will reopen. " * 4, id="g", outlet="G"),
                        Article.from_text("Delta wrote that Gamma said the quay will reopen. " * 4, id="d")])
        ensure(s)
        v = Views(s, compute_limit=0)
        assert not any(v.stored(x) for x in ("stories", "links", "passages", "quotes", "credits"))
        s.con.execute("INSERT INTO stories VALUES ('g', 'g', 0), ('g', 'd', 1)")
        s.con.execute("INSERT INTO links (a_id, b_id, source, derived, direction, confidence, credited, churn, "
                      "common_source, evidence) VALUES ('d', 'g', 'g', 'd', 'b->a', 0.97, false, 0.8, NULL, '[]')")
        s.con.execute("INSERT INTO passages (a_id, b_id, idx, a_start, a_end, b_start, b_end, kind, similarity) "
                      "VALUES ('d', 'g', 0, 17, 40, 0, 23, 'verbatim', 1.0)")
        s.con.execute("INSERT INTO quotes (article_id, idx, kind, speaker_name, speaker_role, content_start, "
                      "content_end) VALUES ('g', 0, 'indirect', 'Gamma', NULL, 11, 32), "
                      "('d', 0, 'indirect', 'Gamma', 'pilot', 28, 49)")
        s.con.execute("INSERT INTO credits (article_id, idx, outlet, kind, text, start, \"end\") "
                      "VALUES ('d', 0, 'G', 'credit', 'Gamma', 0, 5)")
        s.con.execute("INSERT INTO quote_matches VALUES ('g', 0, 'd', 0, 'exact', '[]', false)")
        v = Views(s, compute_limit=0)
        assert all(x == "stored" for x in v.status().values())
        [story] = v.stories()
        assert set(story.articles) == {"g", "d"} and story.links[0].source == "g"
        gd = v.pair("g", "d")
        assert (gd.passages[0].a_start, gd.passages[0].b_start) == (0, 17)
        assert (gd.quote_matches[0].a_start, gd.quote_matches[0].b_start, gd.quote_matches[0].speaker_b) == (11, 28,
                                                                                                          "Gamma")
        assert v.quotes(v.article("d"))[0].role == "pilot" and v.credits(v.article("d"))[0].outlet == "G"
