"""The plain values the provenance kernel works on: per-article and per-pair facts, evidence, links, settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

__all__ = ["ArticleFacts", "DEFAULT_PROVENANCE", "Direction", "Evidence", "Link", "PairFacts", "PassageTuple",
           "ProvenanceSettings", "QuoteFact", "QuoteRelation", "SentencePair"]

Direction = Literal["a->b", "b->a", "common-source", "unknown"]
# (a_start, a_end, b_start, b_end, kind, similarity), the shape of an alignment passage.
PassageTuple = tuple[int, int, int, int, str, float]
# How B's quotation relates to A's: "exact"; "truncated" (B's words are a part of A's); "extended" (A's words are
# a part of B's); "overlap" (each keeps words of one longer quotation that the other lacks); "altered"; "spliced".
# (a_start, a_end, b_start, b_end, similarity, trim): a sentence of A and one of B that say the same. similarity:
# shared content stems over the larger stem set (1.0 = same words); trim: +1 when B's sentence is A's with words
# cut (all of B's stems are A's, A has more), -1 the other way round, 0 otherwise. The last two are optional.
SentencePair = tuple[int, ...]
QuoteRelation = Literal["exact", "truncated", "extended", "overlap", "altered", "spliced"]


@dataclass(frozen=True, slots=True)
class QuoteFact:
    """One quotation the two articles share: its spans in A and B and how B's words relate to A's."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    relation: QuoteRelation
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What one article tells about itself. Outlets are canonical names (``quotes.default_table().canonical``)."""

    id: str
    length: int
    outlet: str | None = None
    published: dt.date | dt.datetime | None = None
    credits: tuple[str, ...] = ()
    datelines: tuple[str, ...] = ()
    quotes: tuple[tuple[int, int], ...] = ()
    agencies: frozenset[str] = frozenset()  # canonical names of wire agencies (``kind == "agency"``)
    credit_spans: tuple[tuple[str, int, int], ...] = ()  # (outlet, start, end) of each credit phrase


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What two articles share: aligned passages (A and B offsets), matched sentences and matched quotations.

    ``sentences`` is the finer measure of what was taken (a passage spans the sentences a copier dropped too);
    when it is empty the passages stand in for it. ``breaks_a`` / ``breaks_b``: ``(start, end)`` of each run of
    whitespace holding a line break in A / B (paragraph boundaries), to tell whole paragraphs one article has and
    the other lacks from sentences cut inside a shared paragraph; empty when unknown (every stretch then counts as
    cut from inside). ``kin_a`` / ``kin_b``: spans of A's / B's sentences that the other lacks and that belong to
    the shared story (a source's material a copy dropped, not a copier's own; see
    :func:`~newstrace.provenance.facts.kin_sentences`); empty when unknown.
    """

    passages: tuple[PassageTuple, ...] = ()
    quotes: tuple[QuoteFact, ...] = ()
    sentences: tuple[SentencePair, ...] = ()
    breaks_a: tuple[tuple[int, int], ...] = ()
    breaks_b: tuple[tuple[int, int], ...] = ()
    kin_a: tuple[tuple[int, int], ...] = ()
    kin_b: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason behind a decision: ``kind``, a human ``detail``, and its ``weight`` (log-odds, signed)."""

    kind: str
    detail: str
    weight: float

    def to_json(self) -> dict:
        return {"kind": self.kind, "detail": self.detail, "weight": round(self.weight, 3)}


def ends(direction: str, a: str, b: str) -> tuple[str | None, str | None]:
    """``(source, derived)`` of a link between ``a`` and ``b``; both None unless the direction is known."""
    return {"a->b": (a, b), "b->a": (b, a)}.get(direction, (None, None))


@dataclass(frozen=True, slots=True)
class Link:
    """The provenance decision for a pair of articles ``a`` and ``b`` (ids).

    ``source``/``derived`` are set for ``a->b`` and ``b->a``. ``churn`` is the share of the derived article that
    was taken; ``untaken`` are the derived article's spans not taken from the source and ``fresh_quotes`` its
    quotations the source does not have (both half-open offsets into the derived article's text).
    """

    a: str
    b: str
    direction: Direction
    confidence: float
    evidence: tuple[Evidence, ...]
    credited: bool | None = None
    churn: float | None = None
    common_source: str | None = None
    untaken: tuple[tuple[int, int], ...] = ()
    fresh_quotes: tuple[tuple[int, int], ...] = ()

    @property
    def source(self) -> str | None:
        return ends(self.direction, self.a, self.b)[0]

    @property
    def derived(self) -> str | None:
        return ends(self.direction, self.a, self.b)[1]

    def to_json(self) -> dict:
        """``{"source", "derived", "direction", "confidence", "credited", "churn", "evidence", ...}``."""
        return {"a": self.a, "b": self.b, "source": self.source, "derived": self.derived,
                "direction": self.direction, "confidence": round(self.confidence, 3), "credited": self.credited,
                "churn": None if self.churn is None else round(self.churn, 3), "common_source": self.common_source,
                "evidence": [e.to_json() for e in self.evidence],
                "untaken": [list(s) for s in self.untaken], "fresh_quotes": [list(s) for s in self.fresh_quotes]}


@dataclass(frozen=True, slots=True)
class ProvenanceSettings:
    """Evidence weights (log-odds) and decision margins; how each was chosen is noted beside it.

    date_days / date_hours: a copy cannot precede its source, but dates in feeds are sometimes update times
    or wrong by a day; an earlier day is strong (3.0: odds e^3, about 20:1), an earlier hour weaker (1.0).
    credit: naming the other article's outlet as a source is the strongest single sign (3.0). credit_consistent:
    with the source's outlet unknown, crediting some other outlet the source itself does not credit is weaker
    (2.0: it might be a third text). containment: the full weight at a 0.5 difference between the share of B
    made of A and the share of A found in B (abridging is the common way to copy). quote: a quotation cut short
    in one article and whole in the other (a copier trims quotations, it cannot lengthen them), per quotation,
    capped. agency_both: both credit one agency that is neither's outlet. quote_overlap: one quotation each
    article cut differently (copying either way cannot explain it). unknown_margin: below this |log-odds| the
    direction is unknown (0.85 is about 70:30). common_min: common-source score needed.
    trim: sentences one article shortens (its words a subset of the other's) would point to the copy, but a copy
    that appends "according to X" to a sentence reads as the source trimming; on the generated benchmark the
    evidence hurt (undated direction 0.893 -> 0.908 without it), so it is off (0.0) and not reported.
    interleave*: stretches inside the shared text that one article has and the other lacks, of two sorts:
    *cut* (sharing a paragraph with shared text: the other cut sentences from inside a paragraph) and *whole*
    (whole paragraphs: dropped by the other, or added by this one; partial reuse takes whole paragraphs and
    interleaves paragraphs of its own, so whole paragraphs on both sides do not show a common original). A copier
    cuts and drops, so the source holds more of both (interleave / interleave_whole, full weight 1.5 at a
    difference of interleave_full = 2). Each holding material of a common original the other lacks: both hold at
    least interleave_cut_min cut stretches and, counting both sorts, at least 3 each (interleave_common_sure) or
    at least 2 with neither more than three times the other (1.5, plus 0.5 per further stretch, capped at 3).
    Before the cut/whole split, two sides with enough stretches of either sort counted as a common source; that
    called The Maritime Ledger (three wire paragraphs verbatim, its own quotations between them) a copy of an
    unseen original, and on the generated benchmark with partial reuse it gave dated direction 0.70 and
    common-source precision 0.64; requiring one cut stretch each: 0.96 and 0.91 (dev seeds 101, 103, 105;
    requiring two: 0.98 and 0.98, but recall 0.54 against 0.60).
    anchor_similarity: sentence pairs sharing less than this share of their content stems do not bound the
    stretches (a paragraph of a copier's own that shares a few names with the source would otherwise split it
    into "cut" stretches); 0.35 sits below the rewrites the benchmark makes (0.6-0.9) and above chance matches
    between unrelated paragraphs (dev seeds: dated 0.947 -> 0.958 against no threshold; 0.45 and 0.55 no better).
    anchor_mutual: only sentence pairs in which each is the other's best match bound the stretches (a copied
    sentence has one counterpart; the sentence matcher also pairs sentences sharing the story's names, which hid
    stretches one side lacks); dev seeds 500 and 501: common-source recall 0.732 -> 0.738, direction unchanged.
    kin: sentences one article lacks that belong to the shared story (a copy drops some of its source's sentences,
    and what it adds is its own) point to the one holding more as the source: full weight 1.5 (as much as
    containment) at a difference of kin_full = 2 sentences. On dev seeds 500 and 501 (120 stories each) the
    difference sided with the truth in 20 of the 23 undated direction errors and against it in 7 of 326 correct
    pairs; 1.5 is the weight of the other material evidence, not fitted. kin_lopsided: with at least this many
    kin sentences on one side and none on the other, the cut stretches do not show a common original (a sibling
    keeps some of the original the other lacks; one that keeps none of it beside a side holding much is a copy):
    10, read off dev seeds 500, 501, 8675 and 4242 (a veto at 1-8 cost as many common sources as it fixed chains;
    at 10, 4 partial-reuse copies read as common sources fixed and none lost). The cut stretches must also be
    balanced: the side with fewer holds at least interleave_common_ratio of the other's (the ratio already asked of
    all stretches, not a new constant; ten against three is a source and its copy with stray matches).
    third_credit: an article that credits a wire agency for its own text (an opening dateline, a credit line, or a
    credit inside the story's material) which the other does not name did not take that text from the other; a
    reading of it as the copy becomes a common source (the agency). Not a weight: a rule from what credits mean.
    whole_by_story: whole paragraphs inside the shared text that one side lacks are told apart by whether they hold
    the story's material (kin): those that do were dropped by the copy (the holder is the source), those that do
    not were added by the copy (partial reuse interleaves paragraphs of its own). Before this, all counted as
    dropped, which read partial-reuse copies as sources (dev seeds 20-29: worst undated direction 0.84 -> 0.91).
    quote_both_cut: each article holding quotation words the other cut (one quotation cut short in A, another in B)
    can have taken neither's quotations from the other: a common source, weighed like a quotation both cut
    differently (quote_overlap per such pair). Quotations run together by the quote finder (an unclosed quotation
    running on into the next) are not taken as longer versions (see ``facts._runs_on``).
    """

    date_days: float = 3.0
    date_hours: float = 1.0
    credit: float = 3.0
    credit_consistent: float = 2.0
    containment: float = 1.5
    containment_full: float = 0.5
    quote: float = 1.0
    quote_cap: float = 2.5
    agency_both: float = 3.0
    agency_one: float = 1.0
    quote_overlap: float = 1.5
    overlap_cap: float = 3.0
    trim: float = 0.0
    trim_full: int = 2
    interleave: float = 1.5
    interleave_full: int = 2
    interleave_whole: float = 1.5
    interleave_cut_min: int = 1
    anchor_similarity: float = 0.35
    anchor_mutual: bool = True
    interleave_common_min: int = 2
    interleave_common_ratio: float = 0.34
    interleave_common_sure: int = 3
    interleave_common: float = 1.5
    interleave_step: float = 0.5
    interleave_cap: float = 3.0
    kin: float = 1.5
    kin_full: int = 2
    kin_lopsided: int = 10
    unknown_margin: float = 0.85
    common_min: float = 1.5
    third_credit: bool = True
    whole_by_story: bool = True
    quote_both_cut: bool = True


DEFAULT_PROVENANCE = ProvenanceSettings()

