"""The provenance decision for one pair: evidence in log-odds, then direction, confidence, credit and churn.

Pure: it takes :class:`ArticleFacts` and :class:`PairFacts` and does no I/O, so any engine can run it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Sequence

from .model import DEFAULT_PROVENANCE, ArticleFacts, Evidence, Link, PairFacts, ProvenanceSettings

__all__ = ["decide"]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _union(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _covered(spans: Sequence[tuple[int, int]], length: int) -> float:
    if length <= 0:
        return 0.0
    return min(1.0, sum(e - s for s, e in _union(spans)) / length)


def _gaps(spans: Sequence[tuple[int, int]], length: int, min_len: int = 1) -> tuple[tuple[int, int], ...]:
    out, pos = [], 0
    for s, e in _union(spans):
        if s - pos >= min_len:
            out.append((pos, s))
        pos = max(pos, e)
    if length - pos >= min_len:
        out.append((pos, length))
    return tuple(out)


def _date_evidence(a: ArticleFacts, b: ArticleFacts, s: ProvenanceSettings) -> list[Evidence]:
    if a.published is None or b.published is None:
        return []
    pa, pb = a.published, b.published
    if isinstance(pa, dt.datetime) and isinstance(pb, dt.datetime):
        if (pa.tzinfo is None) != (pb.tzinfo is None):
            pa, pb = pa.replace(tzinfo=None), pb.replace(tzinfo=None)
        hours = (pb - pa).total_seconds() / 3600
        days = (pb.date() - pa.date()).days
    else:
        da = pa.date() if isinstance(pa, dt.datetime) else pa
        db = pb.date() if isinstance(pb, dt.datetime) else pb
        days, hours = (db - da).days, 0.0
    if days:
        w = math.copysign(s.date_days, days)
        first = "A" if days > 0 else "B"
        return [Evidence("published-before", f"{first} was published {abs(days)} day(s) earlier", w)]
    if abs(hours) >= 1:
        first = "A" if hours > 0 else "B"
        return [Evidence("published-before", f"{first} was published {abs(hours):.0f} hour(s) earlier",
                         math.copysign(s.date_hours, hours))]
    return [Evidence("published-before", "published the same day", 0.0)]


def _credit_evidence(a: ArticleFacts, b: ArticleFacts, pair: PairFacts, s: ProvenanceSettings
                     ) -> tuple[list[Evidence], str, str]:
    """Credits between the two: evidence, and how B credits A / A credits B (see :func:`_credits_outlet`)."""
    out: list[Evidence] = []
    b_credits_a = _credits_outlet(b, a, pair.breaks_b)
    a_credits_b = _credits_outlet(a, b, pair.breaks_a)
    for who, other, flag, sign in (("B", a, b_credits_a, 1.0), ("A", b, a_credits_b, -1.0)):
        if flag == "outlet":
            how = "dateline" if other.outlet in (b.datelines if who == "B" else a.datelines) else "credit"
            out.append(Evidence("credits", f"{who} credits {other.outlet} ({how}), the outlet of "
                                           f"{'A' if who == 'B' else 'B'}", sign * s.credit))
        elif flag:
            out.append(Evidence("credits", f"{who} credits {flag}, consistent with "
                                           f"{'A' if who == 'B' else 'B'} (whose outlet is unknown)",
                                sign * s.credit_consistent))
    return out, b_credits_a, a_credits_b


def _credits_outlet(deriving: ArticleFacts, source: ArticleFacts, breaks: Sequence[tuple[int, int]] = ()) -> str:
    """``"outlet"`` when ``deriving`` credits ``source``'s outlet; the credited name when it credits an outlet
    consistent with a source of unknown outlet (not its own, not one the source credits, and not a wire agency:
    an agency credit names a third text far more often than the article at hand); else ``""``. With the source's
    outlet unknown, only a credit that speaks for the whole article counts: in its opening paragraph or on a
    credit line of its own (``breaks``: its paragraph boundaries; none known: any credit). A credit further down
    inside a paragraph of reporting attributes one statement ("..., an official told Fox News"), and names the
    source of the article no more than any outlet it cites."""
    named = set(deriving.credits) | set(deriving.datelines)
    if source.outlet:
        return "outlet" if source.outlet in named else ""
    for name in sorted(named):
        if name != deriving.outlet and name not in source.credits and name not in source.datelines \
                and name not in deriving.agencies and name not in source.agencies \
                and (not breaks or name in deriving.datelines or any(
                    _opening(p[0], breaks) or p[1] - p[0] <= CREDIT_LINE_CHARS
                    for p in (_paragraph(s0, e0, breaks, deriving.length)
                              for n, s0, e0 in deriving.credit_spans if n == name))):
            return name
    return ""


def _taken(pair: PairFacts, min_similarity: float = 0.0) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of A and of B that the two share: matched sentences (or passages when none) and quotations;
    sentence pairs below ``min_similarity`` (when known) left out."""
    if pair.sentences:
        sents = [p for p in pair.sentences if len(p) < 5 or p[4] >= min_similarity]  # p[4:] are optional
        a_spans = [(p[0], p[1]) for p in sents]
        b_spans = [(p[2], p[3]) for p in sents]
    else:
        a_spans = [(p[0], p[1]) for p in pair.passages]
        b_spans = [(p[2], p[3]) for p in pair.passages]
    return a_spans + [(q.a_start, q.a_end) for q in pair.quotes], b_spans + [(q.b_start, q.b_end) for q in pair.quotes]


def _mutual_best(sentences: Sequence[tuple[int, ...]]) -> tuple[tuple[int, ...], ...]:
    """The sentence pairs in which each sentence is the other's most similar (ties kept): a copied sentence has
    one counterpart, and a further match of it shares little more than the story's names."""
    best_a: dict[tuple[int, int], float] = {}
    best_b: dict[tuple[int, int], float] = {}
    for p in sentences:
        sim = p[4] if len(p) > 4 else 1.0
        best_a[p[0], p[1]] = max(best_a.get((p[0], p[1]), 0.0), sim)
        best_b[p[2], p[3]] = max(best_b.get((p[2], p[3]), 0.0), sim)
    return tuple(p for p in sentences if (p[4] if len(p) > 4 else 1.0) >= max(best_a[p[0], p[1]],
                                                                              best_b[p[2], p[3]]))


def _at_break(pos: int, breaks: Sequence[tuple[int, int]]) -> bool:
    """Whether ``pos`` sits on a paragraph boundary (within BREAK_SLACK characters of one)."""
    return any(r0 - BREAK_SLACK <= pos <= r1 + BREAK_SLACK for r0, r1 in breaks)


def _interior_gaps(spans: Sequence[tuple[int, int]], breaks: Sequence[tuple[int, int]] = (),
                   kin: Sequence[tuple[int, int]] = ()) -> tuple[int, int, int]:
    """Stretches of at least MIN_UNTAKEN_CHARS inside the shared text that the other article lacks, as
    ``(cut, whole, whole_of_story)``: those that share a paragraph with shared text (the other cut sentences from
    inside a paragraph), those made of whole paragraphs (dropped by the other, or added by this one), and of the
    whole ones those holding a sentence of the story's own material (``kin``, see
    :func:`~newstrace.provenance.facts.kin_sentences`). With no ``breaks`` known every stretch counts as cut."""
    merged = _union(spans)
    cut = whole = whole_kin = 0
    for (_, e), (s, _) in zip(merged, merged[1:]):
        if s - e < MIN_UNTAKEN_CHARS:
            continue
        if breaks and _at_break(e, breaks) and _at_break(s, breaks):
            whole += 1
            whole_kin += any(k0 < s and e < k1 for k0, k1 in kin)
        else:
            cut += 1
    return cut, whole, whole_kin


def _containment(a: ArticleFacts, b: ArticleFacts, pair: PairFacts, s: ProvenanceSettings
                 ) -> tuple[list[Evidence], float, float, float]:
    """Containment asymmetry and interleaved material: evidence, share of A and of B taken, common-source score."""
    a_spans, b_spans = _taken(pair)
    cov_a, cov_b = _covered(a_spans, a.length), _covered(b_spans, b.length)
    if not a_spans:
        return [], cov_a, cov_b, 0.0
    w = s.containment * max(-1.0, min(1.0, (cov_b - cov_a) / s.containment_full))
    out = [Evidence("containment", f"{cov_b:.0%} of B is in A; {cov_a:.0%} of A is in B", w)]
    trims = sum(p[5] for p in pair.sentences if len(p) > 5)
    if trims and s.trim:
        w = s.trim * max(-1.0, min(1.0, trims / s.trim_full))
        out.append(Evidence("sentence-trim", f"{abs(trims)} more sentence(s) cut short in {'B' if trims > 0 else 'A'}"
                                             " than in the other", w))
    ka, kb = len(pair.kin_a), len(pair.kin_b)
    if ka != kb and s.kin:
        w = s.kin * max(-1.0, min(1.0, (ka - kb) / s.kin_full))
        out.append(Evidence("kin-material", f"A has {ka} and B {kb} sentence(s) of the shared story that the other "
                                            "lacks (a copy drops some of its source's; what it adds is its own)", w))
    anchors = dataclasses.replace(pair, sentences=_mutual_best(pair.sentences)) if s.anchor_mutual else pair
    a_anchor, b_anchor = _taken(anchors, s.anchor_similarity)
    ca, wa, wka = _interior_gaps(a_anchor, pair.breaks_a, pair.kin_a)
    cb, wb, wkb = _interior_gaps(b_anchor, pair.breaks_b, pair.kin_b)
    ga, gb = ca + wa, cb + wb
    cs = 0.0
    low = min(ga, gb)
    many = low >= s.interleave_common_sure or (low >= s.interleave_common_min
                                               and low >= s.interleave_common_ratio * max(ga, gb))
    lopsided = min(ka, kb) == 0 and max(ka, kb) >= s.kin_lopsided  # one holds much of the story, the other none
    # each side cut about as much from the other's paragraphs (8 against 1 is a source and its copy, with one
    # stray stretch); the same ratio as for all stretches
    balanced = min(ca, cb) >= s.interleave_common_ratio * max(ca, cb)
    if many and min(ca, cb) >= s.interleave_cut_min and not lopsided and balanced:
        cs = min(s.interleave_cap, s.interleave_common + s.interleave_step * (low - s.interleave_common_min))
        out.append(Evidence("common-material", f"A has {ca} and B {cb} stretch(es) that the other cut from inside a "
                                               f"shared paragraph ({ga} and {gb} in all): each kept material of a "
                                               "common original", cs))
        return out, cov_a, cov_b, cs
    if ca != cb:
        w = s.interleave * max(-1.0, min(1.0, (ca - cb) / s.interleave_full))
        out.append(Evidence("cut-material", f"A has {ca} and B {cb} stretch(es) that the other cut from inside a "
                                            "shared paragraph (the source keeps what the copy cut)", w))
    if s.whole_by_story and s.interleave_whole:
        # whole paragraphs of the story (kin) the other lacks were dropped by the copy; paragraphs with nothing of
        # the story were added by it
        diff = (wka - wkb) - ((wa - wka) - (wb - wkb))
        if diff:
            w = s.interleave_whole * max(-1.0, min(1.0, diff / s.interleave_full))
            out.append(Evidence("added-material", f"A has {wka} and B {wkb} whole paragraph(s) of the story inside "
                                                  f"the shared text that the other lacks (dropped by the copy), and "
                                                  f"{wa - wka} and {wb - wkb} with nothing of it (added by the copy)",
                                w))
    elif wa != wb and s.interleave_whole:
        w = s.interleave_whole * max(-1.0, min(1.0, (wa - wb) / s.interleave_full))
        out.append(Evidence("added-material", f"A has {wa} and B {wb} whole paragraph(s) inside the shared text "
                                              "that the other lacks (dropped by the copy, or added by it)", w))
    return out, cov_a, cov_b, cs


def _copied_credit(name: str, a: ArticleFacts, b: ArticleFacts, pair: PairFacts) -> bool:
    """Whether one of the two credits ``name`` only inside sentences matched to sentences of the other that credit
    it too (that one's credits came along with copied text; the copy need not keep every mention). Two credit
    lines ("X contributed to this report.") match each other on the outlet's name alone, so a sentence that is
    mostly its credit counts only when the two are worded the same."""
    spans_a = [(s, e) for n, s, e in a.credit_spans if n == name]
    spans_b = [(s, e) for n, s, e in b.credit_spans if n == name]
    copied_a: set[tuple[int, int]] = set()
    copied_b: set[tuple[int, int]] = set()
    for sp in pair.sentences:
        a0, a1, b0, b1 = sp[:4]
        same = len(sp) > 4 and sp[4] >= SAME_WORDING
        for sa, ea in spans_a:
            if not (a0 <= sa and ea <= a1) or not (same or (a1 - a0) >= CREDIT_LINE_RATIO * (ea - sa)):
                continue
            for sb, eb in spans_b:
                if b0 <= sb and eb <= b1 and (same or (b1 - b0) >= CREDIT_LINE_RATIO * (eb - sb)):
                    copied_a.add((sa, ea))
                    copied_b.add((sb, eb))
    return len(copied_a) == len(spans_a) or len(copied_b) == len(spans_b)


def _quote_evidence(pair: PairFacts, s: ProvenanceSettings) -> tuple[list[Evidence], float]:
    """Shared quotations (informational), quotation truncation (directional) and overlap (common source)."""
    if not pair.quotes:
        return [], 0.0
    out = [Evidence("shared-quotes", f"{len(pair.quotes)} quotation(s) in both: " + ", ".join(
        f"{q.relation}" + (f" ({q.speaker})" if q.speaker else "") for q in pair.quotes), 0.0)]
    cut_b = sum(q.relation == "truncated" for q in pair.quotes)
    cut_a = sum(q.relation == "extended" for q in pair.quotes)
    if cut_b or cut_a:
        w = max(-s.quote_cap, min(s.quote_cap, s.quote * (cut_b - cut_a)))
        out.append(Evidence("quote-extension", f"{cut_b} quotation(s) cut short in B, {cut_a} in A", w))
    order_b = [q.a_start for q in sorted(pair.quotes, key=lambda q: q.b_start)]
    if len(order_b) >= 2:
        same = order_b == sorted(order_b)
        out.append(Evidence("quote-order", "shared quotations in the same order" if same else
                            "shared quotations reordered", 0.0))
    overlap = sum(q.relation == "overlap" for q in pair.quotes)
    both = min(cut_a, cut_b) if s.quote_both_cut else 0
    cs = min(s.overlap_cap, s.quote_overlap * (overlap + both))
    if overlap:
        out.append(Evidence("quote-overlap", f"{overlap} quotation(s) each article cut differently: "
                                             "neither can have taken it from the other", s.quote_overlap * overlap))
    if both:
        out.append(Evidence("quote-overlap", f"each article has quotation words the other cut ({cut_b} quotation(s) "
                                             f"cut short in B, {cut_a} in A): neither can have taken all its "
                                             "quotations from the other", cs - s.quote_overlap * overlap))
    return out, cs


def _agency_evidence(a: ArticleFacts, b: ArticleFacts, pair: PairFacts, s: ProvenanceSettings
                     ) -> tuple[list[Evidence], float, str]:
    """Both credit one third outlet: a common source, unless the credit sits in a sentence one copied from the
    other (then the credit was copied along with it)."""
    named_a = (set(a.credits) | set(a.datelines)) - {a.outlet, b.outlet}
    named_b = (set(b.credits) | set(b.datelines)) - {a.outlet, b.outlet}
    both = sorted(n for n in named_a & named_b if not _copied_credit(n, a, b, pair))
    if both:
        return [Evidence("common-credit", f"both credit {', '.join(both)}, neither of them", s.agency_both)], \
            s.agency_both, both[0]
    one = sorted((named_a ^ named_b) & (a.agencies | b.agencies))
    if one and s.agency_one:
        return [Evidence("common-credit", f"one credits the agency {one[0]}", s.agency_one)], s.agency_one, one[0]
    return [], 0.0, ""


def _paragraph(start: int, end: int, breaks: Sequence[tuple[int, int]], length: int) -> tuple[int, int]:
    """The paragraph holding ``start``-``end``: from the break before it to the break after it."""
    return (max((r1 for _, r1 in breaks if r1 <= start), default=0),
            min((r0 for r0, _ in breaks if r0 >= end), default=length))


def _opening(start: int, breaks: Sequence[tuple[int, int]]) -> bool:
    """Whether a paragraph starting at ``start`` opens the article: the first or the second (a title or a date
    line often comes first)."""
    return sum(r1 <= start for _, r1 in breaks) <= OPENING_PARAGRAPHS - 1


def _third_claims(f: ArticleFacts, other: ArticleFacts, story: Sequence[tuple[int, int]],
                  breaks: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    """Wire agencies that ``f`` names as the source of its own text and ``other`` does not name (nor is): by a
    dateline opening it, by a credit line (a paragraph that is little more than the credit: "X contributed to this
    report."), or by a credit inside the story's material (``story``: its shared and kin spans). A credit inside
    material of its own that has nothing of the shared story ("the pope told reporters, according to Reuters")
    credits that material only."""
    named = set(other.credits) | set(other.datelines) | {other.outlet}
    out: list[str] = []
    for name, s0, e0 in f.credit_spans:
        if name not in f.agencies or name in named or name == f.outlet or name in out:
            continue
        p0, p1 = _paragraph(s0, e0, breaks, f.length)
        if name in f.datelines or (breaks and p1 - p0 <= CREDIT_LINE_CHARS) \
                or any(s < e0 and s0 < e for s, e in story):
            out.append(name)
    return tuple(out)


def decide(a: ArticleFacts, b: ArticleFacts, pair: PairFacts, *,
           settings: ProvenanceSettings = DEFAULT_PROVENANCE) -> Link:
    """The provenance :class:`Link` of a pair: direction, confidence, evidence, credited, churn. Pure."""
    s = settings
    credit_ev, b_credits_a, a_credits_b = _credit_evidence(a, b, pair, s)
    contain_ev, cov_a, cov_b, cs_material = _containment(a, b, pair, s)
    quote_ev, cs_quotes = _quote_evidence(pair, s)
    agency_ev, cs_agency, agency = _agency_evidence(a, b, pair, s)
    evidence = _date_evidence(a, b, s) + credit_ev + contain_ev + quote_ev + agency_ev
    lean = sum(e.weight for e in evidence if e.kind not in COMMON_KINDS)
    cs = cs_quotes + cs_agency + cs_material
    direct_credit = "outlet" in (b_credits_a, a_credits_b)  # a merely consistent credit does not rule it out
    if cs >= s.common_min and not direct_credit:
        both_credit = bool(agency) and cs_agency >= s.agency_both
        return Link(a.id, b.id, "common-source", _sigmoid(cs), tuple(evidence), credited=both_credit,
                    common_source=agency or None)
    if s.third_credit and not direct_credit:
        a_taken, b_taken = _taken(pair)  # shared sentences (or passages) and quotations
        story_a, story_b = a_taken + list(pair.kin_a), b_taken + list(pair.kin_b)
        claims_a = _third_claims(a, b, story_a, pair.breaks_a)
        claims_b = _third_claims(b, a, story_b, pair.breaks_b)
        # One that credits a wire agency for its text, and not the other, did not take that text from the other:
        # a reading of it as the copy leaves a common source (the agency) as the only reading left.
        vetoed = [(who, n) for who, names, side in (("B", claims_b, 1.0), ("A", claims_a, -1.0))
                  for n in names if lean * side > -s.unknown_margin]
        if vetoed:
            who, name = vetoed[0]
            other = "A" if who == "B" else "B"
            evidence.append(Evidence("third-credit", f"{who} credits {name} for its text and {other} does not name "
                                                     f"it: {who} did not take it from {other}", 0.0))
            return Link(a.id, b.id, "common-source", _sigmoid(max(cs, s.common_min)), tuple(evidence),
                        credited=False, common_source=name)
    if abs(lean) < s.unknown_margin:
        return Link(a.id, b.id, "unknown", 0.0, tuple(evidence))
    if lean > 0:
        der, cov, credited, direction = b, cov_b, bool(b_credits_a), "a->b"
    else:
        der, cov, credited, direction = a, cov_a, bool(a_credits_b), "b->a"
    a_taken, b_taken = _taken(pair)
    der_quotes = [((q.b_start, q.b_end) if direction == "a->b" else (q.a_start, q.a_end)) for q in pair.quotes]
    untaken = _gaps(b_taken if direction == "a->b" else a_taken, der.length, MIN_UNTAKEN_CHARS)
    fresh = tuple(q for q in der.quotes if not any(s0 < q[1] and q[0] < e0 for s0, e0 in der_quotes))
    if fresh or untaken:
        evidence.append(Evidence("untaken", f"{len(untaken)} stretch(es) and {len(fresh)} quotation(s) of the "
                                            "derived article are not in the source", 0.0))
    return Link(a.id, b.id, direction, _sigmoid(abs(lean)), tuple(evidence), credited=credited, churn=cov,
                untaken=untaken, fresh_quotes=fresh)


# A sentence less than this many times as long as its credit phrase is a credit line, not reported content.
CREDIT_LINE_RATIO = 2.0
# Matched sentences with at least this share of their content stems in common are worded the same (copied).
SAME_WORDING = 0.9
# A paragraph of at most this many characters that holds a credit is a credit line ("The Associated Press
# contributed to this report." is 48; a paragraph of reporting that happens to name an agency runs longer).
CREDIT_LINE_CHARS = 100
# The first this many paragraphs open an article (a title or date line, then the lede).
OPENING_PARAGRAPHS = 2
# Evidence kinds that speak for a common source rather than for a direction.
COMMON_KINDS = ("quote-overlap", "common-credit", "common-material", "third-credit")
# A shared stretch ending (or starting) this close to a paragraph boundary ends (starts) the paragraph: a closing
# quotation mark and full stop may lie outside a matched quotation.
BREAK_SLACK = 3
# Stretches of the derived article shorter than this between taken passages are joins, not added material
# (a sentence is rarely under 40 characters).
MIN_UNTAKEN_CHARS = 40

