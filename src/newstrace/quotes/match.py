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

import copy
import difflib
import re
from collections import OrderedDict
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
    return [Unit(quotes[k], span, words) for k, span, words, _ in _unit_parts(text, quotes)]


def _words(text: str, start: int, end: int) -> tuple[str, ...]:
    """``_norm`` of each word of ``text[start:end]``. The words hold no space, and neither lower-casing nor the
    apostrophe swap makes one (Python's lower-casing reads no context across a space), so the words are joined,
    normalised as one string and split again: the same words as ``_norm`` word by word, without a Python call
    each (quote_units 0.86 -> 0.45 s of a 13.4 s profiled bench/pairs.py run, with its cache below)."""
    found = _WORD.findall(text, start, end)
    return tuple(" ".join(found).lower().replace("’", "'").split(" ")) if found else ()


# The units of the latest texts, by text and the content spans of its quotations: (index of the quotation,
# span, words, set of the words) for each. Consecutive pairs of a corpus run share an article, and its units do
# not depend on the Quote objects (rebuilt per pair from the store), only on the text and the spans. 256 texts of
# ~6 units hold well under 1 MiB.
_UNITS: "OrderedDict[tuple, tuple]" = OrderedDict()
_UNITS_MAX = 256


def _unit_parts(text: str, quotes: list[Quote]) -> tuple[tuple[int, Span, tuple[str, ...], frozenset], ...]:
    key = (text, tuple((q.content.start, q.content.end) for q in quotes))
    got = _UNITS.get(key)
    if got is not None:
        _UNITS.move_to_end(key)
        return got
    regions = [(r.start, r.end) for r in quote_regions(text) if r.depth == 1]
    out = []
    for k, q in enumerate(quotes):
        c = q.content
        for rs, re_ in regions:
            if rs < c.end and c.start < re_:
                s, e = max(rs, c.start), min(re_, c.end)
                words = _words(text, s, e)
                if words:
                    out.append((k, Span(s, e), words, frozenset(words)))
    got = _UNITS[key] = tuple(out)
    if len(_UNITS) > _UNITS_MAX:
        _UNITS.popitem(last=False)
    return got


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
    qa = quotes_a if quotes_a is not None else extract_quotes(ta)
    qb = quotes_b if quotes_b is not None else extract_quotes(tb)
    units_a = [(Unit(qa[k], span, words), vocab) for k, span, words, vocab in _unit_parts(ta, qa)]
    units_b = [(Unit(qb[k], span, words), vocab) for k, span, words, vocab in _unit_parts(tb, qb)]
    out = []
    for ub, vocab_b in units_b:
        scored = []
        base = None  # a matcher holding B's unit, its index of B's words built once for all of A's units
        for ua, vocab_a in units_a:
            if not _may_share(ua.words, vocab_a, ub.words, vocab_b):
                continue  # fewer than MIN_SHARED words in common: neither test below could take the pair
            if base is None:
                base = difflib.SequenceMatcher(None, (), ub.words, autojunk=False)
            sm = copy.copy(base)  # (shares the index, which a matcher only reads once built)
            sm.set_seq1(ua.words)
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


def _may_share(a: tuple[str, ...], vocab_a: frozenset, b: tuple[str, ...], vocab_b: frozenset) -> bool:
    """Whether ``a`` and ``b`` hold MIN_SHARED words in common, counting repeats (the most words their matching
    blocks can hold). Most unit pairs of two articles share none or one: told without a SequenceMatcher (5,055 of
    the 8,537 unit pairs of the bench/pairs.py run)."""
    common = vocab_a & vocab_b
    if len(common) >= MIN_SHARED:
        return True
    return sum(min(a.count(w), b.count(w)) for w in common) >= MIN_SHARED


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
