"""The same quotation in two articles: exact, truncated, extended, altered or spliced, and misattributed.

Units of comparison are the quoted passages (inside quote marks) of each attribution: what an article
presents as someone's own words. Each unit of article B is compared word by word (case and punctuation
ignored) with every unit of article A; the best-matching unit classifies the pair, seen from B:

- ``exact``: the same words; ``truncated``: B's words are a contiguous part of A's; ``extended``: A's words
  are a contiguous part of B's; ``spliced``: B joins pieces that are apart in A (or from two of A's quotes);
  ``altered``: words changed, with the word-level ``diff``.

A pair is ``misattributed`` when both speakers resolve to names and the names differ.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..model import Article, Span
from .marks import quote_regions
from .model import Quote, span_json

__all__ = ["QuoteMatch", "match_json", "match_quotes", "quote_units"]

# A pair counts as the same quotation when the words they share cover at least this share of the shorter unit
# and at least MIN_SHARED words (chosen on invented examples: a changed word or two in a sentence stays a
# match, two quotes that share only "the Zionist enemy" do not).
MIN_COVER = 0.6
MIN_SHARED = 2
# ... and when they share a run of at least MIN_RUN words (or the whole shorter unit), so scattered common words
# ("the battle ... against the") do not make a match.
MIN_RUN = 4
# B's unit is spliced from two of A's units when the two together cover this share of B's words.
SPLICE_COVER = 0.9

_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True, slots=True)
class Unit:
    """A quoted passage of one attribution, with its words and their spans."""

    quote: Quote
    span: Span
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """One quotation of B matched to one of A."""

    a: Quote
    b: Quote
    a_span: Span
    b_span: Span
    match: str
    diff: tuple[dict, ...]
    misattributed: bool

    def to_json(self, article_a: Article, article_b: Article) -> dict:
        """``{"a": {...}, "b": {...}, "match", "diff", "misattributed"}`` with source offsets."""
        a = dict(self.a.to_json(article_a), quoted=span_json(article_a, self.a_span))
        b = dict(self.b.to_json(article_b), quoted=span_json(article_b, self.b_span))
        return {"a": a, "b": b, "match": self.match, "diff": list(self.diff), "misattributed": self.misattributed}


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


def quote_units(text: str, quotes: list[Quote]) -> list[Unit]:
    """The quoted passages inside each attribution's content (the content itself for a direct quote)."""
    regions = [r for r in quote_regions(text) if r.depth == 1]
    units = []
    for q in quotes:
        c = q.content
        inner = [r for r in regions if r.start < c.end and c.start < r.end]
        for r in inner:
            s, e = max(r.start, c.start), min(r.end, c.end)
            words = tuple(_norm(m.group()) for m in _WORD.finditer(text, s, e))
            if words:
                units.append(Unit(q, Span(s, e), words))
    return units


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


def _diff(a: tuple[str, ...], b: tuple[str, ...], sm: difflib.SequenceMatcher) -> tuple[dict, ...]:
    return tuple({"op": op, "a": " ".join(a[i1:i2]), "b": " ".join(b[j1:j2])}
                 for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")


def _classify(ua: Unit, ub: Unit, sm: difflib.SequenceMatcher, shared: int) -> str:
    a, b = ua.words, ub.words
    if a == b:
        return "exact"
    if _contains(a, b):
        return "truncated"
    if _contains(b, a):
        return "extended"
    if shared == len(b) and len([blk for blk in sm.get_matching_blocks() if blk.size]) > 1:
        return "spliced"
    return "altered"


def _is_person(name: str | None) -> bool:
    """A resolved personal name ("Esmail Qaani"), not a description kept as written."""
    return bool(name) and all(w[:1].isupper() for w in name.split())  # type: ignore[union-attr]


def _misattributed(qa: Quote, qb: Quote) -> bool:
    if not (_is_person(qa.name) and _is_person(qb.name)):
        return False
    la, lb = qa.name.lower().split(), qb.name.lower().split()
    return la[-1] != lb[-1] and la != lb


def match_quotes(a: Article | str, b: Article | str, quotes_a: list[Quote] | None = None,
                 quotes_b: list[Quote] | None = None) -> list[QuoteMatch]:
    """Quotations of ``b`` that also appear (maybe changed) in ``a``, in ``b``'s text order. Pure."""
    from .extract import extract_quotes

    ta = a.text if isinstance(a, Article) else a
    tb = b.text if isinstance(b, Article) else b
    units_a = quote_units(ta, quotes_a if quotes_a is not None else extract_quotes(ta))
    units_b = quote_units(tb, quotes_b if quotes_b is not None else extract_quotes(tb))
    out = []
    for ub in units_b:
        scored = []
        for ua in units_a:
            sm = difflib.SequenceMatcher(None, ua.words, ub.words, autojunk=False)
            blocks = sm.get_matching_blocks()
            shared = sum(blk.size for blk in blocks)
            shorter = min(len(ua.words), len(ub.words))
            run = max(blk.size for blk in blocks)
            if shared >= MIN_SHARED and shared >= MIN_COVER * shorter and run >= min(MIN_RUN, shorter):
                scored.append((shared, ua, sm))
            elif shared >= MIN_SHARED:
                scored.append((-shared, ua, sm))  # a partial piece, for splice detection only
        good = sorted((s for s in scored if s[0] > 0), key=lambda s: -s[0])
        if good:
            shared, ua, sm = good[0]
            kind = _classify(ua, ub, sm, shared)
            if kind in ("altered", "extended") and _spliced(ub, scored):
                kind = "spliced"
            out.append(QuoteMatch(ua.quote, ub.quote, ua.span, ub.span, kind, _diff(ua.words, ub.words, sm),
                                  _misattributed(ua.quote, ub.quote)))
        elif _spliced(ub, scored):
            ua, sm = max(scored, key=lambda s: abs(s[0]))[1:]
            out.append(QuoteMatch(ua.quote, ub.quote, ua.span, ub.span, "spliced", _diff(ua.words, ub.words, sm),
                                  _misattributed(ua.quote, ub.quote)))
    return out


def _spliced(ub: Unit, scored: list) -> bool:  # type: ignore[type-arg]
    """Whether two different units of A together cover most of B's words."""
    covered: set[int] = set()
    used = 0
    for _, ua, sm in sorted(scored, key=lambda s: -abs(s[0]))[:2]:
        blocks = [blk for blk in sm.get_matching_blocks() if blk.size >= 2]
        if blocks:
            used += 1
        for blk in blocks:
            covered.update(range(blk.b, blk.b + blk.size))
    return used == 2 and len(covered) >= SPLICE_COVER * len(ub.words)


def match_json(a: Article, b: Article) -> list[dict]:
    """``compare --json``'s ``"quotes"`` field: every match as ``{"a", "b", "match", "diff", "misattributed"}``."""
    return [m.to_json(a, b) for m in match_quotes(a, b)]
