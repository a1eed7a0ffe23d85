"""Provenance: what tells two copies of one third text from a copy (credits of a wire agency, datelines)."""

from __future__ import annotations

import datetime as dt

from newstrace import Article
from newstrace.provenance import ArticleFacts, PairFacts, article_facts, decide, pair_facts

# A of five sentences at 0,100,...,400 (90 chars each); B keeps sentences 0, 1, 2, 3 at 0..390 and has a last
# paragraph at 400..440 of its own.
SHARED = tuple((i * 100, i * 100 + 90, i * 100, i * 100 + 90) for i in range(4))
PAIR = PairFacts(sentences=SHARED, breaks_b=((390, 400),))
DAY1, DAY3 = dt.date(2024, 5, 1), dt.date(2024, 5, 3)


def test_an_agency_credit_line_in_the_copy_leaves_a_common_source() -> None:
    a = ArticleFacts("a", length=500, outlet="Fenwick Ledger", published=DAY1)
    plain = decide(a, ArticleFacts("b", length=440, outlet="Moor Sentinel", published=DAY3), PAIR)
    assert plain.direction == "a->b"
    # B's last paragraph is a credit line naming Reuters, which A does not name: B says its text is Reuters'.
    b = ArticleFacts("b", length=440, outlet="Moor Sentinel", published=DAY3, credits=("Reuters",),
                     agencies=frozenset({"Reuters"}),
                     credit_spans=(("Reuters", 400, 407),))
    lk = decide(a, b, PAIR)
    assert lk.direction == "common-source" and lk.common_source == "Reuters"
    assert any(e.kind == "third-credit" and "B credits Reuters" in e.detail for e in lk.evidence)


def test_an_agency_credit_inside_the_copys_own_material_does_not_veto() -> None:
    a = ArticleFacts("a", length=500, outlet="Fenwick Ledger", published=DAY1)
    # B's own paragraph (400..900) is long and shares nothing of the story; its "according to Reuters" credits it.
    pair = PairFacts(sentences=SHARED, breaks_b=((390, 400),))
    b = ArticleFacts("b", length=900, outlet="Moor Sentinel", published=DAY3, credits=("Reuters",),
                     agencies=frozenset({"Reuters"}),
                     credit_spans=(("Reuters", 700, 720),))
    assert decide(a, b, pair).direction == "a->b"
    # The same credit on the side read as the source agrees with the reading.
    back = decide(b, a, PairFacts(sentences=tuple((p[2], p[3], p[0], p[1]) for p in SHARED), breaks_a=((390, 400),)))
    assert back.direction == "b->a"


def test_a_direct_credit_to_the_other_outlet_wins_over_an_agency_credit() -> None:
    a = ArticleFacts("a", length=500, outlet="Fenwick Ledger", published=DAY1)
    b = ArticleFacts("b", length=440, outlet="Moor Sentinel", published=DAY3, credits=("Fenwick Ledger", "Reuters"),
                     agencies=frozenset({"Reuters"}), credit_spans=(("Fenwick Ledger", 10, 24), ("Reuters", 400, 407)))
    lk = decide(a, b, PAIR)
    assert lk.direction == "a->b" and lk.credited is True


BODY = ("The harbour board voted on Tuesday to close the old ferry pier for repairs lasting most of the summer.\n\n"
        "Boat owners said the closure would cost them the busiest weeks of the season.")


def test_only_an_opening_dateline_credits_the_article() -> None:
    opening = article_facts(Article.from_text("PORTSMOUTH (AP) — " + BODY, id="x"))
    assert opening.datelines == ("Associated Press",) and "Associated Press" in opening.agencies
    pasted = article_facts(Article.from_text(BODY + "\n\n" + "Some filler about the weather. " * 12 + "\n\n"
                                             "PORTSMOUTH (AP) — The coast guard closed the channel.", id="y"))
    assert pasted.datelines == () and "Associated Press" not in pasted.agencies


def _sents(*rows: tuple[int, int]) -> PairFacts:
    """Matched 90-character sentences at the given (A offset, B offset) pairs."""
    return PairFacts(sentences=tuple((a, a + 90, b, b + 90) for a, b in rows))


def test_a_third_copy_holding_text_of_each_shows_two_copies_of_an_absent_wire_story() -> None:
    from newstrace.provenance import Link, resolve_in_corpus

    # An absent wire text W of nine sentences. X kept W0-5 (X offsets k*100), Y kept W3-8 (Y offsets (k-3)*100),
    # C kept W0-2 and W6-8 (C offsets 0..500): C holds W0-2 of X that Y lacks and W6-8 of Y that X lacks.
    xy = _sents(*((k * 100, (k - 3) * 100) for k in (3, 4, 5)))
    xc = _sents((0, 0), (100, 100), (200, 200))
    yc = _sents((300, 300), (400, 400), (500, 500))
    links = [Link("x", "y", "a->b", 0.9, ()), Link("x", "c", "unknown", 0.0, ()), Link("y", "c", "unknown", 0.0, ())]
    out = resolve_in_corpus(links, {("x", "y"): xy, ("x", "c"): xc, ("y", "c"): yc})
    assert out[0].direction == "common-source"
    assert any(e.kind == "common-material" and e.detail.startswith("c holds") for e in out[0].evidence)


def test_a_chain_through_the_third_article_stays_a_chain() -> None:
    from newstrace.provenance import Link, resolve_in_corpus

    # X -> C -> Y: C copied X's sentences 0-7 and added three of its own (C 800-1000); Y copied C's 2-6 (Y 0-400)
    # and C's own three (Y 500-700). C holds X's 0, 1, 7 that Y lacks and Y's 500-700 that X lacks, but all that Y
    # has of X it shares with C: Y's text of X came through C.
    xc = _sents(*((k * 100, k * 100) for k in range(8)))
    cy = _sents(*((k * 100, (k - 2) * 100) for k in range(2, 7)), (800, 500), (900, 600), (1000, 700))
    xy = _sents(*((k * 100, (k - 2) * 100) for k in range(2, 7)))
    links = [Link("x", "c", "a->b", 0.95, ()), Link("c", "y", "a->b", 0.95, ()), Link("x", "y", "a->b", 0.9, ())]
    out = resolve_in_corpus(links, {("x", "c"): xc, ("c", "y"): cy, ("x", "y"): xy})
    assert out[2].direction == "a->b"


def test_a_copy_that_credits_the_source_itself_is_a_sibling_not_a_copy_of_a_copy() -> None:
    from newstrace.provenance import Evidence, Link, resolve_in_corpus

    # Z is the source of X (Z's sentences 0-5) and of Y (Z's 1-3, all of which X has too): the text alone reads as
    # a chain Z -> X -> Y, but Y names Z's outlet as its source and X does not.
    zx = _sents(*((k * 100, k * 100) for k in range(6)))
    zy = _sents(*((k * 100, (k - 1) * 100) for k in range(1, 4)))
    xy = _sents(*((k * 100, (k - 1) * 100) for k in range(1, 4)))
    credit = Evidence("credits", "B credits Fenwick Ledger (credit), the outlet of A", 3.0)
    links = [Link("z", "x", "a->b", 0.95, ()), Link("z", "y", "a->b", 0.99, (credit,)), Link("x", "y", "a->b", 0.9, ())]
    pairs = {("z", "x"): zx, ("z", "y"): zy, ("x", "y"): xy}
    out = resolve_in_corpus(links, pairs)
    assert out[2].direction == "common-source" and out[2].common_source == "z"
    assert "y credits z" in next(e.detail for e in out[2].evidence if e.kind == "common-material")
    # without the credit, or when X credits Z too (Y's credit may have come with X's text), X -> Y stands
    plain = [links[0], Link("z", "y", "a->b", 0.99, ()), links[2]]
    assert resolve_in_corpus(plain, pairs)[2].direction == "a->b"
    both = [Link("z", "x", "a->b", 0.95, (credit,)), links[1], links[2]]
    assert resolve_in_corpus(both, pairs)[2].direction == "a->b"


def test_two_quotations_run_together_are_no_extension() -> None:
    from newstrace.provenance.facts import _runs_on

    quote = '"We will rebuild the old ferry pier before the summer season begins," Lund said.'
    opening = "Mayor Anna Lund spoke at the harbour on Monday.\n\n"
    a = Article.from_text(opening + quote + "\n\nResidents cheered.", id="a")
    # B dropped the closing paragraph of a longer quotation, so its opening mark runs on into Lund's quotation
    b = Article.from_text('Mayor Anna Lund spoke at the harbour on Monday.\n\n"Where will the money come from? '
                          + quote + "\n\nResidents cheered.", id="b")
    pair = pair_facts(a, b)
    assert [q.relation for q in pair.quotes] == ["altered"]  # not "extended": B did not lengthen Lund's words
    assert _runs_on(b.text, pair.quotes[0].b_start, pair.quotes[0].b_end)
    assert not _runs_on(a.text, pair.quotes[0].a_start, pair.quotes[0].a_end)


def test_each_side_holding_quotation_words_the_other_cut_is_a_common_source() -> None:
    from newstrace.provenance import QuoteFact, ProvenanceSettings

    a, b = ArticleFacts("a", length=500), ArticleFacts("b", length=450)
    quotes = (QuoteFact(0, 80, 0, 50, "truncated"), QuoteFact(200, 240, 150, 230, "extended"))
    lk = decide(a, b, PairFacts(sentences=SHARED, quotes=quotes))
    assert lk.direction == "common-source"
    assert any(e.kind == "quote-overlap" and "neither can have taken all" in e.detail for e in lk.evidence)
    # one way only: the copy cut its source's quotation
    one = decide(a, b, PairFacts(sentences=SHARED, quotes=quotes[:1]))
    assert one.direction != "common-source"
    off = decide(a, b, PairFacts(sentences=SHARED, quotes=quotes), settings=ProvenanceSettings(quote_both_cut=False))
    assert off.direction != "common-source"


def test_whole_paragraphs_with_nothing_of_the_story_are_the_copys_own() -> None:
    import dataclasses

    # A: two paragraphs (0-90, 100-190), both shared. B: the same two at 0 and 300, with two whole paragraphs
    # between them (100-190, 200-290) that A lacks: one stretch inside the shared text.
    sents = PairFacts(sentences=((0, 90, 0, 90), (100, 190, 300, 390)), breaks_a=((90, 100),),
                      breaks_b=((90, 100), (190, 200), (290, 300)))
    a, b = ArticleFacts("a", length=190), ArticleFacts("b", length=390)
    own = decide(a, b, sents)  # B's paragraphs share nothing of the story: added by B, the copy
    ev = next(e for e in own.evidence if e.kind == "added-material")
    assert ev.weight > 0 and "0 and 1 with nothing of it" in ev.detail
    story = decide(a, b, dataclasses.replace(sents, kin_b=((100, 190), (200, 290))))  # the story's: A dropped them
    ev = next(e for e in story.evidence if e.kind == "added-material")
    assert ev.weight < 0 and "A has 0 and B 1 whole paragraph(s) of the story" in ev.detail


def test_a_source_and_its_copy_are_no_common_original_for_a_few_stray_cuts() -> None:
    from newstrace.provenance import ProvenanceSettings

    # Eleven shared sentences. A has a sentence B lacks after each of the first ten (ten stretches), B has one A
    # lacks after its 3rd, 6th and 9th (three): A is the source, with a few stray stretches in B, not a sibling.
    shift = [50 * sum(k > g for g in (2, 5, 8)) for k in range(11)]
    pairs = tuple((k * 200, k * 200 + 90, k * 100 + shift[k], k * 100 + 90 + shift[k]) for k in range(11))
    a, b = ArticleFacts("a", length=2200), ArticleFacts("b", length=1300)
    lk = decide(a, b, PairFacts(sentences=pairs))
    assert lk.direction == "a->b" and not any(e.kind == "common-material" for e in lk.evidence)
    # with no balance asked for (ratio 0), three stretches on each side read as a common original
    loose = decide(a, b, PairFacts(sentences=pairs), settings=ProvenanceSettings(interleave_common_ratio=0.0))
    assert any(e.kind == "common-material" for e in loose.evidence)


def test_an_outlet_named_deep_in_the_body_is_no_credit_of_a_source_of_unknown_outlet() -> None:
    # A's outlet is unknown; B names Fenwick Ledger in a long paragraph far down (one statement attributed), or on
    # a credit line of its own
    breaks = ((199, 201), (399, 401), (599, 601), (1799, 1801), (1849, 1851))
    a = ArticleFacts("a", length=1000)
    body = ArticleFacts("b", length=2000, outlet="Moor Sentinel", credits=("Fenwick Ledger",),
                        credit_spans=(("Fenwick Ledger", 900, 930),))
    pair = PairFacts(sentences=SHARED, breaks_b=breaks)
    assert not any(e.kind == "credits" for e in decide(a, body, pair).evidence)
    line = ArticleFacts("b", length=2000, outlet="Moor Sentinel", credits=("Fenwick Ledger",),
                        credit_spans=(("Fenwick Ledger", 1810, 1840),))
    lk = decide(a, line, pair)
    assert any(e.kind == "credits" and "consistent" in e.detail for e in lk.evidence)


def test_a_chance_match_of_a_few_names_does_not_hide_a_copy_of_a_copy() -> None:
    from newstrace.provenance import Evidence, Link, resolve_in_corpus

    # Z -> X -> Y: X kept Z's 0-5, Y kept X's copies of Z's 1-3. Y's own last sentence (300-390) shares a few
    # words with Z's sentence 8 (similarity 0.3): no text taken, so Y's text of Z still all came through X.
    zx = _sents(*((k * 100, k * 100) for k in range(6)))
    zy = PairFacts(sentences=tuple((k * 100, k * 100 + 90, (k - 1) * 100, (k - 1) * 100 + 90, 1.0, 0)
                                   for k in range(1, 4)) + ((800, 890, 300, 390, 0.3, 0),))
    xy = _sents(*((k * 100, (k - 1) * 100) for k in range(1, 4)))
    cs = Link("x", "y", "common-source", 0.9, (Evidence("common-material", "", 2.0),))
    links = [Link("z", "x", "a->b", 0.95, ()), Link("z", "y", "common-source", 0.9, ()), cs]
    out = resolve_in_corpus(links, {("z", "x"): zx, ("z", "y"): zy, ("x", "y"): xy})
    assert (out[2].source, out[2].derived) == ("x", "y")


def test_one_sentence_each_of_a_source_of_both_that_the_other_lacks_is_enough() -> None:
    from newstrace.provenance import Link, resolve_in_corpus

    # Z (sentences at 0..900, 150 characters each) is a confident source of X (Z's 0-4) and of Y (Z's 1-5): each
    # holds one sentence of Z the other lacks (150 characters: Z's 0 in X, Z's 5 in Y).
    def z_sents(zs: range) -> PairFacts:
        return PairFacts(sentences=tuple((z * 150, z * 150 + 150, k * 150, k * 150 + 150) for k, z in enumerate(zs)))

    xy = PairFacts(sentences=tuple((k * 150, k * 150 + 150, (k - 1) * 150, (k - 1) * 150 + 150) for k in range(1, 5)))
    links = [Link("z", "x", "a->b", 0.95, ()), Link("z", "y", "a->b", 0.95, ()), Link("x", "y", "a->b", 0.9, ())]
    out = resolve_in_corpus(links, {("z", "x"): z_sents(range(0, 5)), ("z", "y"): z_sents(range(1, 6)), ("x", "y"): xy})
    assert out[2].direction == "common-source" and out[2].common_source == "z"
    # Y keeps nothing of Z beyond what X has: no common source shown (a copy of a copy, or X's copy)
    out = resolve_in_corpus(links, {("z", "x"): z_sents(range(0, 5)), ("z", "y"): z_sents(range(1, 5)), ("x", "y"): xy})
    assert out[2].direction == "a->b"
