"""Provenance: the pure decision kernel on invented facts, the adapters on invented articles, the graph, seeds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newstrace import Article
from newstrace.provenance import (ArticleFacts, Evidence, Link, PairFacts, ProvenanceSettings, QuoteFact, article_facts,
                                  decide, graph_json, link, pair_facts, quote_relation, story_graph,
                                  write_graphml)
from newstrace.provenance.facts import match_sentences

D = dt.date(2024, 3, 5)
# A source with five sentences at 0,100,...,400 (each 90 chars); B keeps sentences 0, 2, 4 and adds its own.
SRC_SENTS = tuple((i * 100, i * 100 + 90) for i in range(5))


def pair_keeping(kept: list[int], b_offset: int = 0) -> PairFacts:
    sents = tuple((SRC_SENTS[i][0], SRC_SENTS[i][1], b_offset + k * 100, b_offset + k * 100 + 90)
                  for k, i in enumerate(kept))
    return PairFacts(sentences=sents)


def facts(id: str, length: int, **kw) -> ArticleFacts:
    return ArticleFacts(id, length=length, **kw)


def test_dates_decide_direction_and_missing_dates_do_not_break_it() -> None:
    pair = pair_keeping([0, 1, 2, 3])
    a, b = facts("a", 500, published=D), facts("b", 420, published=D + dt.timedelta(days=2))
    lk = decide(a, b, pair)
    assert lk.direction == "a->b" and lk.source == "a" and lk.derived == "b"
    assert any(e.kind == "published-before" and e.weight > 0 for e in lk.evidence)
    reverse = decide(b, a, PairFacts(sentences=tuple((p[2], p[3], p[0], p[1]) for p in pair.sentences)))
    assert reverse.direction == "b->a"
    undated = decide(facts("a", 500), facts("b", 420, published=D), pair)
    assert undated.direction in ("a->b", "unknown")


def test_credit_to_the_source_outlet_decides_and_marks_credited() -> None:
    pair = pair_keeping([0, 2, 4])
    a = facts("a", 500, outlet="Fenwick Ledger")
    b = facts("b", 400, outlet="Moor Sentinel", credits=("Fenwick Ledger",))
    lk = decide(a, b, pair)
    assert lk.direction == "a->b" and lk.credited is True and lk.confidence >= 0.9
    assert lk.churn == pytest.approx(270 / 400)
    uncredited = decide(a, facts("b", 400, outlet="Moor Sentinel"), pair)
    assert uncredited.direction == "a->b" and uncredited.credited is False


def test_consistent_credit_when_the_source_outlet_is_unknown() -> None:
    a = facts("a", 500)
    b = facts("b", 400, outlet="Moor Sentinel", credits=("Fenwick Ledger",))
    lk = decide(a, b, pair_keeping([0, 2, 4]))
    assert lk.direction == "a->b" and lk.credited is True
    assert any("consistent" in e.detail for e in lk.evidence)
    # an agency credit is not consistent with an unknown source: it names a third text
    agency = facts("b", 400, credits=("Reuters",), agencies=frozenset({"Reuters"}))
    assert decide(a, agency, pair_keeping([0, 2, 4])).credited is False


def test_containment_and_interleaving_decide_undated_pairs() -> None:
    # B kept sentences 0, 2, 4 of A: A holds two stretches inside the shared text that B lacks.
    lk = decide(facts("a", 500), facts("b", 300), pair_keeping([0, 2, 4]))
    assert lk.direction == "a->b"
    kinds = {e.kind for e in lk.evidence}
    assert {"containment", "cut-material"} <= kinds  # no paragraph breaks known: every stretch counts as cut
    assert lk.churn == pytest.approx(0.9)


def _paragraphs(n: int) -> tuple[tuple[int, int], ...]:
    """Breaks after each 100-character paragraph: paragraphs [0, 98), [100, 198), ..."""
    return tuple((i * 100 + 98, i * 100 + 100) for i in range(n))


def test_whole_paragraphs_on_both_sides_are_partial_reuse_not_a_common_source() -> None:
    # A: ten one-sentence paragraphs. B took paragraphs 0, 2, 4, 6, 8 whole and put one of its own after each
    # of the first four: both sides hold four whole paragraphs the other lacks.
    sents = tuple((i * 200, i * 200 + 98, i * 200, i * 200 + 98) for i in range(5))
    pair = PairFacts(sentences=sents, breaks_a=_paragraphs(10), breaks_b=_paragraphs(10))
    lk = decide(facts("a", 1000, published=D), facts("b", 1000, published=D + dt.timedelta(days=2)), pair)
    assert lk.direction == "a->b"
    assert not any(e.kind == "common-material" for e in lk.evidence)
    # the same shared stretches, but each side's unshared sentences sit inside shared paragraphs (one paragraph
    # of 200 characters per shared sentence): each kept material of a common original the other cut
    inside = PairFacts(sentences=sents, breaks_a=tuple((i * 200 + 198, i * 200 + 200) for i in range(5)),
                       breaks_b=tuple((i * 200 + 198, i * 200 + 200) for i in range(5)))
    cs = decide(facts("a", 1000, published=D), facts("b", 1000, published=D + dt.timedelta(days=2)), inside)
    assert cs.direction == "common-source"
    assert any(e.kind == "common-material" for e in cs.evidence)


def test_quote_truncation_points_from_the_whole_quote_to_the_cut_one() -> None:
    q = QuoteFact(10, 80, 10, 50, "truncated", "Ada Brandt")
    lk = decide(facts("a", 90), facts("b", 90), PairFacts(quotes=(q,)))
    ev = {e.kind: e for e in lk.evidence}
    assert ev["quote-extension"].weight > 0 and "Ada Brandt" in ev["shared-quotes"].detail


def test_common_source_from_a_shared_agency_credit_and_from_interleaving() -> None:
    a = facts("a", 500, outlet="Fenwick Ledger", credits=("Reuters",), credit_spans=(("Reuters", 495, 500),))
    b = facts("b", 500, outlet="Moor Sentinel", credits=("Reuters",), credit_spans=(("Reuters", 495, 500),))
    lk = decide(a, b, pair_keeping([0, 1, 2]))
    assert lk.direction == "common-source" and lk.common_source == "Reuters" and lk.credited is True
    # each holds stretches inside the shared text that the other lacks: material of an original both cut
    cs = decide(facts("a", 900), facts("b", 900),
                PairFacts(sentences=tuple((i * 300, i * 300 + 90, i * 300, i * 300 + 90) for i in range(3))))
    assert cs.direction == "common-source"
    assert any(e.kind == "common-material" for e in cs.evidence)


def test_a_credit_copied_along_with_its_sentence_is_not_a_common_source() -> None:
    a = facts("a", 500, outlet="Fenwick Ledger", published=D, credits=("Reuters",),
              credit_spans=(("Reuters", 10, 20),))
    b = facts("b", 300, outlet="Moor Sentinel", published=D + dt.timedelta(days=1), credits=("Reuters",),
              credit_spans=(("Reuters", 10, 20),))
    lk = decide(a, b, pair_keeping([0, 2, 4]))
    assert lk.direction == "a->b"


def test_no_shared_text_and_no_other_evidence_is_unknown() -> None:
    lk = decide(facts("a", 100), facts("b", 100), PairFacts())
    assert lk.direction == "unknown" and lk.confidence == 0.0 and lk.source is None


def test_quote_relation() -> None:
    w = "we will not leave the valley".split()
    assert quote_relation(w, w) == "exact"
    assert quote_relation(w, w[:4]) == "truncated"
    assert quote_relation(w[1:], w) == "extended"
    assert quote_relation(w[:5], w[2:] + ["again"]) == "overlap"
    assert quote_relation(w, "nothing alike here".split()) == "altered"


def test_match_sentences_finds_rewritten_sentences_with_offsets() -> None:
    a = "The council approved the new harbour wall on Monday. Rain is expected later this week."
    b = "On Monday the council approved a new harbour wall after a long debate. Tickets sold out."
    pairs = match_sentences(a, b)
    assert len(pairs) == 1
    a0, a1, b0, b1, sim, trim = pairs[0]
    assert a[a0:a1].startswith("The council") and b[b0:b1].startswith("On Monday")
    assert 0.5 <= sim < 1.0 and trim == -1  # B's sentence keeps all of A's content words and adds some


def test_a_copy_that_trims_sentences_points_back_to_the_whole_ones() -> None:
    sents = tuple((i * 100, i * 100 + 90, i * 80, i * 80 + 70, 0.8, 1) for i in range(3))
    lk = decide(facts("a", 300), facts("b", 240), PairFacts(sentences=sents), settings=ProvenanceSettings(trim=1.0))
    assert any(e.kind == "sentence-trim" and e.weight > 0 for e in lk.evidence)
    assert not any(e.kind == "sentence-trim" for e in decide(facts("a", 300), facts("b", 240),
                                                             PairFacts(sentences=sents)).evidence)


SOURCE = ("The Fenwick council voted on Monday to close the old ferry pier after engineers found cracks in its "
          "pilings. \u201cThe pier is not safe for anyone, and we cannot wait for the spring storms to prove it,\u201d "
          "said council leader Ada Brandt. Ferry services will move to the north quay from next week. The repair "
          "bill was put at 4 million pounds, more than the council spends on roads in a year. Local traders said "
          "the move would cost them customers. Engineers first raised concerns about the pilings in 2019.")
COPY = ("Ferries leaving Fenwick will use a different quay. The Fenwick council voted on Monday to close the old "
        "ferry pier after engineers found cracks in its pilings, according to the Fenwick Herald. \u201cThe pier is "
        "not safe for anyone,\u201d said council leader Ada Brandt. Ferry services will move to the north quay from "
        "next week. \u201cWe will lose half our trade,\u201d said shop owner Tom Reyes.")


def test_link_on_invented_articles() -> None:
    a = Article.from_text(SOURCE, id="src", outlet="Fenwick Herald", published=D)
    b = Article.from_text(COPY, id="copy", outlet="Moor Sentinel", published=D + dt.timedelta(days=1))
    lk = link(a, b)
    assert lk.direction == "a->b" and lk.credited is True
    assert 0.0 < lk.churn <= 1.0
    fresh = [COPY[s:e] for s, e in lk.fresh_quotes]
    assert any("half our trade" in q for q in fresh)
    for s, e in lk.untaken:
        assert 0 <= s < e <= len(COPY)
    json.dumps(lk.to_json())
    assert article_facts(b).credits == ("Fenwick Herald",)


def test_story_graph_breaks_cycles_by_confidence_and_exports(tmp_path: Path) -> None:
    links = [Link("a", "b", "a->b", 0.9, (), credited=True, churn=0.5),
             Link("b", "c", "a->b", 0.8, (), credited=False, churn=0.7),
             Link("c", "a", "a->b", 0.6, (), credited=False, churn=0.2),
             Link("d", "e", "common-source", 0.95, (), credited=True, common_source="Reuters"),
             Link("a", "d", "unknown", 0.0, ())]
    g = story_graph(links, articles=[facts(x, 10) for x in "abcde"])
    assert set(g.edges) == {("a", "b"), ("b", "c"), ("common:Reuters", "d"), ("common:Reuters", "e")}
    assert g.edges["b", "c"]["credited"] is False
    data = graph_json(g)
    assert {e["source"] for e in data["edges"]} == {"a", "b", "common:Reuters"}
    write_graphml(g, str(tmp_path / "g.graphml"))
    assert (tmp_path / "g.graphml").read_text().startswith("<?xml")


@pytest.mark.shared
def test_seeds_second_article_derives_from_the_first(seeds: tuple[Path, Path]) -> None:
    first, second = seeds
    a = Article.from_text(first.read_text(encoding="utf-8"), id="000")
    b = Article.from_text(second.read_text(encoding="utf-8"), id="001")
    lk = link(a, b)
    assert lk.direction == "a->b" and lk.confidence >= 0.8 and lk.credited is True
    kinds = {e.kind: e for e in lk.evidence}
    assert "Jerusalem Post" in kinds["credits"].detail
    assert "shared-quotes" in kinds
    fresh = " ".join(b.text[s:e] for s, e in lk.fresh_quotes)
    assert "birth of a new Palestine" in fresh and "lost confidence in itself" in fresh


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_examples_corpus_relations() -> None:
    """The demo corpus (examples/README.md): wire -> Evening Post credited, wire -> Coastline Daily uncredited,
    wire -> Maritime Ledger uncredited partial reuse, the County Herald linked to none."""
    import itertools

    import newstrace
    from newstrace.provenance import resolve_in_corpus

    arts = {a.outlet: a for a in newstrace.read(str(EXAMPLES))}
    wire, herald = arts["Northshore Wire"], arts["The County Herald"]
    pairs, links = {}, []
    for a, b in itertools.combinations(arts.values(), 2):
        pf = pair_facts(a, b)
        if pf.passages or pf.quotes:  # as the pipeline does: only pairs with reuse or shared quotations
            pairs[a.id, b.id] = pf
            links.append(link(a, b, pair=pf))
    by_pair = {frozenset((lk.a, lk.b)): lk for lk in resolve_in_corpus(links, pairs)}
    for outlet, credited in (("Varrow Evening Post", True), ("Coastline Daily", False),
                             ("The Maritime Ledger", False)):
        lk = by_pair[frozenset((wire.id, arts[outlet].id))]
        assert (lk.source, lk.derived, lk.credited) == (wire.id, arts[outlet].id, credited), outlet
    ledger = by_pair[frozenset((wire.id, arts["The Maritime Ledger"].id))]
    assert ledger.churn < 0.7 and ledger.fresh_quotes  # partial: its own quotations beside the wire's
    assert not any(herald.id in k for k in by_pair)


def test_in_corpus_common_source_tells_siblings_from_a_chain() -> None:
    from newstrace.provenance import resolve_in_corpus

    # Z has sentences at 0..900 (step 100). X kept 0-4, Y kept 3-7: each has Z text the other lacks.
    def sents(zs: range, offset: int = 0) -> PairFacts:
        return PairFacts(sentences=tuple((z * 100, z * 100 + 90, offset + k * 100, offset + k * 100 + 90)
                                         for k, z in enumerate(zs)))

    zx, zy = sents(range(0, 5)), sents(range(3, 8))
    # X and Y share Z's sentences 3 and 4: X's 300-490 and Y's 0-190
    xy = PairFacts(sentences=((300, 390, 0, 90), (400, 490, 100, 190)))
    links = [Link("z", "x", "a->b", 0.95, ()), Link("z", "y", "a->b", 0.95, ()), Link("x", "y", "a->b", 0.9, ())]
    out = resolve_in_corpus(links, {("z", "x"): zx, ("z", "y"): zy, ("x", "y"): xy})
    assert out[2].direction == "common-source" and out[2].common_source == "z"
    # a chain: Y kept only what X had of Z, so X -> Y stays
    zy_chain = sents(range(1, 4))
    xy_chain = PairFacts(sentences=tuple((k * 100, k * 100 + 90, (k - 1) * 100, (k - 1) * 100 + 90)
                                         for k in range(1, 4)))
    out = resolve_in_corpus(links, {("z", "x"): zx, ("z", "y"): zy_chain, ("x", "y"): xy_chain})
    assert out[2].direction == "a->b"


def test_kin_material_points_to_the_side_keeping_the_story_sentences_the_other_lacks() -> None:
    pair = PairFacts(sentences=((0, 90, 0, 90), (100, 190, 100, 190)), kin_a=((200, 290), (300, 390)))
    lk = decide(facts("a", 400), facts("b", 400), pair)
    assert lk.direction == "a->b"
    assert any(e.kind == "kin-material" and e.weight > 0 for e in lk.evidence)
    src = "Smith won the vote in Ohio. Smith thanked Ohio and its farmers."
    copy = "Smith won the vote in Ohio. A storm closed schools across Kent county on Friday."
    from newstrace.provenance.facts import kin_sentences
    assert kin_sentences(src, copy, match_sentences(src, copy)) == (((28, 63),), ())  # the storm is the copy's own


def test_a_copy_of_a_copy_read_as_a_common_source_is_a_chain() -> None:
    from newstrace.provenance import resolve_in_corpus

    # Z has sentences at 0..900; X kept 0-5; Y kept 1-3 of them, all through X (X's 100-390 are Y's 0-290).
    zx = PairFacts(sentences=tuple((z * 100, z * 100 + 90, z * 100, z * 100 + 90) for z in range(6)))
    zy = PairFacts(sentences=tuple((z * 100, z * 100 + 90, (z - 1) * 100, (z - 1) * 100 + 90) for z in range(1, 4)))
    xy = PairFacts(sentences=tuple((z * 100, z * 100 + 90, (z - 1) * 100, (z - 1) * 100 + 90) for z in range(1, 4)))
    cs = Link("x", "y", "common-source", 0.9, (Evidence("common-material", "", 2.0),))
    links = [Link("z", "x", "a->b", 0.95, ()), Link("z", "y", "common-source", 0.9, ()), cs]
    out = resolve_in_corpus(links, {("z", "x"): zx, ("z", "y"): zy, ("x", "y"): xy})
    assert (out[2].source, out[2].derived) == ("x", "y")
    assert (out[1].source, out[1].derived) == ("z", "y")
    # siblings: Y also keeps Z's sentence 7, which X lacks, so the common source stands
    zy2 = PairFacts(sentences=zy.sentences + ((700, 790, 300, 390),))
    out = resolve_in_corpus(links, {("z", "x"): zx, ("z", "y"): zy2, ("x", "y"): xy})
    assert out[2].direction == "common-source"


def test_span_subtraction_sweep_equals_every_span_against_every_cut() -> None:
    """The corpus step's ``_minus`` (one sweep over two unions) counts what the plain double loop counts, on
    random overlapping, touching, nested and empty spans."""
    import random

    from newstrace.provenance.corpus import _minus
    from newstrace.provenance.kernel import _union

    def plain(spans: list[tuple[int, int]], cut: list[tuple[int, int]]) -> int:
        cut = _union(cut)
        return sum((e - s) - sum(max(0, min(e, ce) - max(s, cs)) for cs, ce in cut) for s, e in _union(spans))

    rng = random.Random(19)
    for _ in range(2000):
        def some() -> list[tuple[int, int]]:
            out = []
            for _ in range(rng.randint(0, 8)):
                s = rng.randint(0, 300)
                out.append((s, s + rng.randint(-5, 80)))
            return out

        spans, cut = some(), some()
        assert _minus(spans, cut) == plain(spans, cut)
