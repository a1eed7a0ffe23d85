import json
import re

import pytest

from newstrace import Article, OffsetMap, Origin, Segment
from newstrace.errors import ConfigError, InputError
from newstrace.reuse import Reuse, compare, read_article, register_field, share

STORY = ("The harbour authority closed the northern pier on Tuesday after a crane collapsed. "
         "Nobody was hurt, but three fishing boats were trapped behind the wreckage for several hours. "
         "Engineers from the port company said the crane had passed an inspection only last month.")
OTHER = "Tickets for the chess championship sold out within an hour of going on sale."


def test_compare_texts_json_shape_and_shares():
    r = compare(OTHER + " " + STORY, STORY)
    j = r.to_json()
    assert {"a", "b", "passages", "reuse"} <= set(j)
    assert {"quotes", "story_similarity", "same_story", "direction", "confidence", "evidence", "credited",
            "churn"} <= set(j)
    assert j["direction"] in {"a->b", "b->a", "common-source", "unknown"} and j["same_story"] is True
    assert set(compare(OTHER + " " + STORY, STORY, full=False).to_json()) == {"a", "b", "passages", "reuse"}
    assert set(j["a"]) == {"id", "title", "outlet", "published"}
    assert j["passages"] and set(j["passages"][0]) == {"a_start", "a_end", "b_start", "b_end", "kind", "similarity"}
    assert all(p["kind"] == "verbatim" for p in j["passages"])
    assert j["reuse"]["b_share"] == pytest.approx(1.0)
    assert j["reuse"]["a_share"] == pytest.approx(len(STORY) / (len(OTHER) + 1 + len(STORY)), abs=0.01)
    json.dumps(j)


def test_compare_unrelated_is_empty():
    r = compare(STORY, OTHER)
    assert r.passages == () and r.a_share == 0.0 and r.b_share == 0.0


def test_json_offsets_are_source_offsets():
    head = "HEADLINE LINE\n"
    src = head + STORY
    art = Article(id="x", text=STORY, origin=Origin("s.txt"), title="Pier closed",
                  offsets=OffsetMap([Segment(0, len(head), len(STORY), len(STORY))]))
    r = compare(art, STORY)
    p = r.to_json()["passages"][0]
    assert src[p["a_start"] : p["a_end"]] == STORY[r.passages[0].a_start : r.passages[0].a_end]
    assert r.to_json()["a"]["title"] == "Pier closed"


def test_result_is_extensible():
    r = compare(STORY, STORY).with_fields(quotes=[{"text": "x"}])
    assert r.to_json()["quotes"] == [{"text": "x"}]
    register_field("passage_count", lambda rr: len(rr.passages))
    try:
        assert compare(STORY, STORY).to_json()["passage_count"] >= 1
    finally:
        from newstrace import reuse

        reuse._FIELDS.pop("passage_count")
    with pytest.raises(ConfigError):
        register_field("passages", len)


def test_compare_rejects_other_types():
    with pytest.raises(InputError):
        compare(STORY, 3)  # type: ignore[arg-type]


def test_share_unions_spans():
    assert share([(0, 5), (3, 10), (20, 30)], 40) == pytest.approx(0.5)
    assert share([], 0) == 0.0


def test_read_article_errors(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError):
        read_article(str(empty))
    good = tmp_path / "a.txt"
    good.write_text(STORY)
    assert isinstance(read_article(str(good)), Article)


def test_cli_compare_json(tmp_path):
    from typer.testing import CliRunner

    from newstrace.cli import app

    (tmp_path / "a.txt").write_text(OTHER + "\n\n" + STORY)
    (tmp_path / "b.txt").write_text(STORY)
    res = CliRunner().invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--json"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.output)
    assert j["passages"][0]["kind"] == "verbatim"
    res = CliRunner().invoke(app, ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert res.exit_code == 0 and "verbatim" in res.output


_QUOTE_RE = re.compile(r"[“\"]([^”\"]+)[”\"]")


def _norm(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


@pytest.mark.shared
def test_seeds_quotes_verbatim_and_paraphrases(seeds):
    a, b = read_article(str(seeds[0])), read_article(str(seeds[1]))
    r = compare(a, b)
    verbatim = [(_norm(a.text[p.a_start : p.a_end]), _norm(b.text[p.b_start : p.b_end]))
                for p in r.passages if p.kind == "verbatim"]
    # every quotation of B that A also carries word for word lies inside a verbatim passage on both sides
    shared = [q for q in map(_norm, _QUOTE_RE.findall(b.text)) if q and f" {q} " in f" {_norm(a.text)} "]
    assert len(shared) >= 5
    for q in shared:
        assert any(f" {q} " in f" {x} " and f" {q} " in f" {y} " for x, y in verbatim), q
    para = [(a.text[p.a_start : p.a_end], b.text[p.b_start : p.b_end]) for p in r.passages if p.kind == "paraphrase"]
    assert len(para) >= 3
    assert any("Qaani vowed to fulfill the promise of his predecessor" in x
               and "Qaani also promised to carryout the will of his predecessor" in y for x, y in para)
