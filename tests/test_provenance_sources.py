"""Provenance: what tells two copies of one third text from a copy (credits of a wire agency, datelines)."""

from __future__ import annotations

import datetime as dt

from newstrace import Article
from newstrace.provenance import ArticleFacts, PairFacts, article_facts, decide

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
    b = ArticleFacts("b", length=440, outlet="Moor Sentinel", published=DAY3, credits=("Reuters",), agencies=frozenset({"Reuters"}),
                     credit_spans=(("Reuters", 400, 407),))
    lk = decide(a, b, PAIR)
    assert lk.direction == "common-source" and lk.common_source == "Reuters"
    assert any(e.kind == "third-credit" and "B credits Reuters" in e.detail for e in lk.evidence)


def test_an_agency_credit_inside_the_copys_own_material_does_not_veto() -> None:
    a = ArticleFacts("a", length=500, outlet="Fenwick Ledger", published=DAY1)
    # B's own paragraph (400..900) is long and shares nothing of the story; its "according to Reuters" credits it.
    pair = PairFacts(sentences=SHARED, breaks_b=((390, 400),))
    b = ArticleFacts("b", length=900, outlet="Moor Sentinel", published=DAY3, credits=("Reuters",), agencies=frozenset({"Reuters"}),
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
