"""Provenance: who took from whom, was it credited, how much was taken, and what came from a third text.

The kernel is pure and works on plain facts, so it runs the same on any engine: :class:`ArticleFacts` (what one
article says about itself: outlet, date, length, credited outlets, datelines, quotation spans) and
:class:`PairFacts` (what two articles share: aligned passages and matched quotations). :func:`decide` weighs
the evidence in log-odds and returns a :class:`Link`; :func:`link` builds the facts from two
:class:`~newstrace.model.Article` objects with the alignment and quotation stages; :func:`story_graph` turns
a story's links into a DAG (cycles broken at the weakest link) for GraphML / JSON export.

Evidence weights are log-odds toward "A is the source" (positive) or "B is the source" (negative); the
common-source evidence adds to its own score. The weights are set from first principles (how far each kind of
evidence moves an editor's belief), never fitted to story-chains; bench/provenance.py measures them on
generated chains built from PolNeAR texts.

>>> a = ArticleFacts("a", length=1000, outlet="Daily Planet", published=dt.date(2024, 1, 1))
>>> b = ArticleFacts("b", length=600, outlet="Gotham Gazette", credits=("Daily Planet",))
>>> pair = PairFacts(passages=((0, 500, 0, 400, "verbatim", 0.9),))
>>> lk = decide(a, b, pair)
>>> lk.direction, lk.credited, round(lk.churn, 2)
('a->b', True, 0.67)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Sequence

if TYPE_CHECKING:
    from .model import Article

__all__ = [
    "ArticleFacts",
    "Direction",
    "Evidence",
    "Link",
    "PairFacts",
    "ProvenanceSettings",
    "QuoteFact",
    "article_facts",
    "graph_json",
    "quote_relation",
    "story_graph",
    "write_graphml",
    "decide",
    "link",
    "pair_facts",
]

Direction = Literal["a->b", "b->a", "common-source", "unknown"]
# (a_start, a_end, b_start, b_end, kind, similarity), the shape of an alignment passage.
PassageTuple = tuple[int, int, int, int, str, float]
# How B's quotation relates to A's: "exact"; "truncated" (B's words are a part of A's); "extended" (A's words are
# a part of B's); "overlap" (each keeps words of one longer quotation that the other lacks); "altered"; "spliced".
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


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What two articles share: aligned passages (A and B offsets) and matched quotations."""

    passages: tuple[PassageTuple, ...] = ()
    quotes: tuple[QuoteFact, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason behind a decision: ``kind``, a human ``detail``, and its ``weight`` (log-odds, signed)."""

    kind: str
    detail: str
    weight: float

    def to_json(self) -> dict:
        return {"kind": self.kind, "detail": self.detail, "weight": round(self.weight, 3)}


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
        return {"a->b": self.a, "b->a": self.b}.get(self.direction)

    @property
    def derived(self) -> str | None:
        return {"a->b": self.b, "b->a": self.a}.get(self.direction)

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
    agency_one: float = 0.0
    quote_overlap: float = 1.5
    overlap_cap: float = 3.0
    unknown_margin: float = 0.85
    common_min: float = 1.5


DEFAULT_PROVENANCE = ProvenanceSettings()


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


def _credit_evidence(a: ArticleFacts, b: ArticleFacts, s: ProvenanceSettings) -> tuple[list[Evidence], bool, bool]:
    """Credits between the two: evidence, and whether B credits A / A credits B (by outlet or consistently)."""
    out: list[Evidence] = []
    b_credits_a = _credits_outlet(b, a)
    a_credits_b = _credits_outlet(a, b)
    for who, other, flag, sign in (("B", a, b_credits_a, 1.0), ("A", b, a_credits_b, -1.0)):
        if flag == "outlet":
            how = "dateline" if other.outlet in (b.datelines if who == "B" else a.datelines) else "credit"
            out.append(Evidence("credits", f"{who} credits {other.outlet} ({how}), the outlet of "
                                           f"{'A' if who == 'B' else 'B'}", sign * s.credit))
        elif flag:
            out.append(Evidence("credits", f"{who} credits {flag}, consistent with "
                                           f"{'A' if who == 'B' else 'B'} (whose outlet is unknown)",
                                sign * s.credit_consistent))
    return out, bool(b_credits_a), bool(a_credits_b)


def _credits_outlet(deriving: ArticleFacts, source: ArticleFacts) -> str:
    """``"outlet"`` when ``deriving`` credits ``source``'s outlet; the credited name when it credits an outlet
    consistent with a source of unknown outlet (not its own, not one the source credits, and not a wire agency:
    an agency credit names a third text far more often than the article at hand); else ``""``."""
    named = set(deriving.credits) | set(deriving.datelines)
    if source.outlet:
        return "outlet" if source.outlet in named else ""
    for name in sorted(named):
        if name != deriving.outlet and name not in source.credits and name not in source.datelines \
                and name not in deriving.agencies and name not in source.agencies:
            return name
    return ""


def _containment(a: ArticleFacts, b: ArticleFacts, pair: PairFacts, s: ProvenanceSettings
                 ) -> tuple[list[Evidence], float, float]:
    a_spans = [(p[0], p[1]) for p in pair.passages] + [(q.a_start, q.a_end) for q in pair.quotes]
    b_spans = [(p[2], p[3]) for p in pair.passages] + [(q.b_start, q.b_end) for q in pair.quotes]
    cov_a, cov_b = _covered(a_spans, a.length), _covered(b_spans, b.length)
    if not pair.passages and not pair.quotes:
        return [], cov_a, cov_b
    asym = cov_b - cov_a
    w = s.containment * max(-1.0, min(1.0, asym / s.containment_full))
    detail = f"{cov_b:.0%} of B is in A; {cov_a:.0%} of A is in B"
    return [Evidence("containment", detail, w)], cov_a, cov_b


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
    cs = min(s.overlap_cap, s.quote_overlap * overlap)
    if overlap:
        out.append(Evidence("quote-overlap", f"{overlap} quotation(s) each article cut differently: "
                                             "neither can have taken it from the other", cs))
    return out, cs


def _agency_evidence(a: ArticleFacts, b: ArticleFacts, s: ProvenanceSettings) -> tuple[list[Evidence], float, str]:
    named_a = (set(a.credits) | set(a.datelines)) - {a.outlet, b.outlet}
    named_b = (set(b.credits) | set(b.datelines)) - {a.outlet, b.outlet}
    both = sorted(named_a & named_b)
    if both:
        return [Evidence("common-credit", f"both credit {', '.join(both)}, neither of them", s.agency_both)], \
            s.agency_both, both[0]
    one = sorted((named_a ^ named_b) & (a.agencies | b.agencies))
    if one and s.agency_one:
        return [Evidence("common-credit", f"one credits the agency {one[0]}", s.agency_one)], s.agency_one, one[0]
    return [], 0.0, ""


def decide(a: ArticleFacts, b: ArticleFacts, pair: PairFacts, *,
           settings: ProvenanceSettings = DEFAULT_PROVENANCE) -> Link:
    """The provenance :class:`Link` of a pair: direction, confidence, evidence, credited, churn. Pure."""
    s = settings
    credit_ev, b_credits_a, a_credits_b = _credit_evidence(a, b, s)
    contain_ev, cov_a, cov_b = _containment(a, b, pair, s)
    quote_ev, cs_quotes = _quote_evidence(pair, s)
    agency_ev, cs_agency, agency = _agency_evidence(a, b, s)
    evidence = _date_evidence(a, b, s) + credit_ev + contain_ev + quote_ev + agency_ev
    lean = sum(e.weight for e in evidence if e.kind not in ("quote-overlap", "common-credit"))
    cs = cs_quotes + cs_agency
    direct_credit = b_credits_a or a_credits_b
    if cs >= s.common_min and not direct_credit:
        both_credit = bool(agency) and cs_agency >= s.agency_both
        return Link(a.id, b.id, "common-source", _sigmoid(cs), tuple(evidence), credited=both_credit,
                    common_source=agency or None)
    if abs(lean) < s.unknown_margin:
        return Link(a.id, b.id, "unknown", 0.0, tuple(evidence))
    if lean > 0:
        src, der, cov, credited, direction = a, b, cov_b, b_credits_a, "a->b"
    else:
        src, der, cov, credited, direction = b, a, cov_a, a_credits_b, "b->a"
    der_spans = [((p[2], p[3]) if direction == "a->b" else (p[0], p[1])) for p in pair.passages]
    der_quotes = [((q.b_start, q.b_end) if direction == "a->b" else (q.a_start, q.a_end)) for q in pair.quotes]
    untaken = _gaps(der_spans + der_quotes, der.length, MIN_UNTAKEN_CHARS)
    fresh = tuple(q for q in der.quotes if not any(s0 < q[1] and q[0] < e0 for s0, e0 in der_quotes))
    if fresh or untaken:
        evidence.append(Evidence("added-material", f"{len(untaken)} passage(s) and {len(fresh)} quotation(s) of "
                                                   f"the derived article not in the source", 0.0))
    return Link(a.id, b.id, direction, _sigmoid(abs(lean)), tuple(evidence), credited=credited, churn=cov,
                untaken=untaken, fresh_quotes=fresh)


# Stretches of the derived article shorter than this between taken passages are joins, not added material
# (a sentence is rarely under 40 characters).
MIN_UNTAKEN_CHARS = 40


# Shared quotation cores shorter than this many words are too common to show that two cuts came from one quote.
MIN_OVERLAP_WORDS = 3


def quote_relation(a_words: Sequence[str], b_words: Sequence[str], fallback: str = "altered") -> str:
    """How B's quoted words relate to A's (see :data:`QuoteRelation`); ``fallback`` when none of the clear cases.

    >>> quote_relation("we will not leave".split(), "we will not leave them alone".split())
    'extended'
    >>> quote_relation("a b c d e".split(), "c d e f g".split())
    'overlap'
    """
    import difflib

    wa, wb = tuple(a_words), tuple(b_words)
    if wa == wb:
        return "exact"
    n, m = len(wa), len(wb)
    if m < n and any(wa[i:i + m] == wb for i in range(n - m + 1)):
        return "truncated"
    if n < m and any(wb[i:i + n] == wa for i in range(m - n + 1)):
        return "extended"
    k = difflib.SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, n, 0, m)
    if k.size >= MIN_OVERLAP_WORDS:
        a_head, b_tail = k.a > 0 and k.a + k.size == n, k.b == 0 and k.b + k.size < m
        a_tail, b_head = k.a == 0 and k.a + k.size < n, k.b > 0 and k.b + k.size == m
        if (a_head and b_tail) or (a_tail and b_head):
            return "overlap"
    return fallback


# An altered quotation keeps at least this share of its words in order (difflib ratio over both); below it two
# quotations merely share a few words ("the battle ... against the"). A one- or two-word edit in a ten-word
# quotation scores 0.8-0.9; unrelated quotations on one topic score under 0.4 on invented examples.
ALTERED_MIN_RATIO = 0.5


def _word_ratio(a: Sequence[str], b: Sequence[str]) -> float:
    import difflib

    return difflib.SequenceMatcher(None, list(a), list(b), autojunk=False).ratio()


def article_facts(article: "Article", *, table: object | None = None) -> ArticleFacts:
    """The :class:`ArticleFacts` of an article, with its credits and quotations found by :mod:`newstrace.quotes`."""
    from .quotes import credits, default_table, quotes
    from .quotes.match import quote_units

    tab = table or default_table()
    found = credits(article, tab)
    units = quote_units(article.text, quotes(article))
    names = {c.outlet for c in found}
    return ArticleFacts(
        id=article.id, length=len(article.text),
        outlet=tab.canonical(article.outlet) if article.outlet else None, published=article.published,
        credits=tuple(dict.fromkeys(c.outlet for c in found if c.kind != "dateline")),
        datelines=tuple(dict.fromkeys(c.outlet for c in found if c.kind == "dateline")),
        quotes=tuple((u.span.start, u.span.end) for u in units),
        agencies=frozenset(n for n in names if tab.kinds.get(n) == "agency"))


def pair_facts(a: "Article", b: "Article") -> PairFacts:
    """The :class:`PairFacts` of two articles: alignment passages and matched quotations."""
    from .align import align_texts
    from .quotes import match_quotes
    from .quotes.match import _norm, _WORD

    passages = tuple((p.a_start, p.a_end, p.b_start, p.b_end, str(p.kind), float(p.similarity))
                     for p in align_texts(a.text, b.text))
    facts = []
    for m in match_quotes(a, b):
        wa = [_norm(w) for w in _WORD.findall(a.text, m.a_span.start, m.a_span.end)]
        wb = [_norm(w) for w in _WORD.findall(b.text, m.b_span.start, m.b_span.end)]
        rel = quote_relation(wa, wb, fallback=m.match)
        if rel in ("altered", "spliced") and _word_ratio(wa, wb) < ALTERED_MIN_RATIO:
            continue  # a few common words in two different quotations
        facts.append(QuoteFact(m.a_span.start, m.a_span.end, m.b_span.start, m.b_span.end, rel,  # type: ignore
                               m.b.name or m.a.name))
    return PairFacts(passages=passages, quotes=tuple(facts))


def link(a: "Article", b: "Article", *, facts_a: ArticleFacts | None = None, facts_b: ArticleFacts | None = None,
         pair: PairFacts | None = None, settings: ProvenanceSettings = DEFAULT_PROVENANCE) -> Link:
    """The provenance :class:`Link` of two articles (facts computed unless given; pass them to reuse work)."""
    return decide(facts_a or article_facts(a), facts_b or article_facts(b), pair or pair_facts(a, b),
                  settings=settings)


def story_graph(links: Sequence[Link], *, articles: Sequence[ArticleFacts] = (), min_confidence: float = 0.0):
    """A story's provenance as a ``networkx.DiGraph``: an edge source -> derived per directed link.

    Cycles (contradictory links) are broken by dropping the weakest edge of each cycle until the graph is a DAG.
    A common-source pair becomes two edges from a node ``"common:<agency>"`` (or ``"common:<a>|<b>"`` when no
    agency is named). Edge attributes: confidence, credited, churn, altered_quotes and evidence (a JSON string,
    so the graph writes as GraphML); uncredited copies carry ``credited=False``.
    """
    import json

    import networkx as nx

    g = nx.DiGraph()
    for f in articles:
        g.add_node(f.id, kind="article", outlet=f.outlet or "", published=str(f.published or ""))
    for lk in links:
        if lk.confidence < min_confidence or lk.direction == "unknown":
            continue
        attrs = {"confidence": lk.confidence, "credited": bool(lk.credited), "direction": lk.direction,
                 "churn": -1.0 if lk.churn is None else lk.churn,
                 "altered_quotes": sum("altered" in e.detail for e in lk.evidence if e.kind == "shared-quotes"),
                 "evidence": json.dumps([e.to_json() for e in lk.evidence])}
        if lk.direction == "common-source":
            hub = f"common:{lk.common_source}" if lk.common_source else f"common:{min(lk.a, lk.b)}|{max(lk.a, lk.b)}"
            g.add_node(hub, kind="common-source", outlet=lk.common_source or "", published="")
            for end in (lk.a, lk.b):
                if not g.has_edge(hub, end) or g.edges[hub, end]["confidence"] < lk.confidence:
                    g.add_edge(hub, end, **attrs)
        else:
            src, der = lk.source, lk.derived
            if g.has_edge(der, src) and g.edges[der, src]["confidence"] >= lk.confidence:
                continue
            if g.has_edge(der, src):
                g.remove_edge(der, src)
            g.add_edge(src, der, **attrs)
    _break_cycles(g)
    return g


def _break_cycles(g) -> None:  # type: ignore[no-untyped-def]
    import networkx as nx

    while True:
        try:
            cycle = nx.find_cycle(g)
        except nx.NetworkXNoCycle:
            return
        u, v = min(((u, v) for u, v, *_ in cycle), key=lambda e: (g.edges[e]["confidence"], e))
        g.remove_edge(u, v)


def graph_json(g) -> dict:  # type: ignore[no-untyped-def]
    """The graph as JSON-ready node-link data (``{"nodes": [...], "edges": [...]}``)."""
    import json

    return {"nodes": [{"id": n, **d} for n, d in g.nodes(data=True)],
            "edges": [{"source": u, "derived": v, **{k: (json.loads(x) if k == "evidence" else x)
                                                     for k, x in d.items()}} for u, v, d in g.edges(data=True)]}


def write_graphml(g, path: str) -> None:  # type: ignore[no-untyped-def]
    """Write the graph as GraphML (evidence is a JSON string attribute)."""
    import networkx as nx

    nx.write_graphml(g, path)
