"""Common sources inside the corpus: two copies of one article seen as copies of each other.

When a story holds a source Z and two articles X and Y that both took from it, the pair (X, Y) shares Z's text,
so the pair-level kernel may read it as one copying the other. Seen with Z, the difference is plain: in a chain
Z -> X -> Y, everything Y has of Z came through X; when X and Y each took from Z, each carries some of Z's
material that the other lacks, which copying in either direction cannot explain.

The converse tells a copy of a copy from two copies: when Z is a source of X and all that Y has of Z it also
shares with X, while X has Z's material that Y lacks, Y's text of Z can all have come through X, and a
common-source reading of (X, Y) or of (Z, Y) stands for a chain Z -> X -> Y (two copies of Z would each keep some
of Z that the other dropped).

A third article can witness a common source that the corpus lacks: when C holds text of X that Y lacks and text
of Y that X lacks, and neither's text of the other can have gone through C, copying between X and Y cannot
explain what C holds (three outlets running one absent wire story).
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

from .kernel import COMMON_KINDS, _mutual_best, _sigmoid, _union
from .model import DEFAULT_PROVENANCE, Evidence, Link, PairFacts

__all__ = ["resolve_chains", "resolve_in_corpus"]

# Each of X and Y must carry at least this many characters of Z's text that the other lacks (about two
# sentences: one sentence could be a rewrite the matcher missed).
MIN_EXTRA_CHARS = 200
# Z must be a confident source of both (odds of about 4:1).
MIN_SOURCE_CONFIDENCE = 0.8
# Log-odds of a chain seen in the corpus, as of a common source seen there (2.0, about 7:1): one clear test on
# the texts of three articles, weighed like one strong piece of pairwise evidence.
CHAIN_WEIGHT = 2.0
# A copy of a copy holds less than this of the first source's text beyond what it shares with the copy between
# (no whole sentence: a sentence is rarely under 40 characters; what is left is edges of matched sentences). With
# MIN_EXTRA_CHARS here, siblings that kept one or two sentences the other dropped were read as chains (dev seeds
# 500 and 501: 9 common sources lost against 6 chains found; in chains the remainder was 0 characters).
MAX_STRAY_CHARS = 40
# With a third article as witness (or a confident source of both), each of X and Y must hold at least this much
# text that the other lacks and the witness has: about one sentence (not MIN_EXTRA_CHARS' two: a rewrite the matcher
# missed would have to fall on both sides and be confirmed by the witness both times). Dev seeds 20-29 (9 x 80
# stories): for witnesses, 200 -> 150 -> 100 raised common-source recall 0.877 -> 0.893 -> 0.896 at precision
# 0.977 -> 0.975; for a source of both (dev seeds 20-29 and 9001), 200 -> 100 raised it 0.890 -> 0.902 with
# direction and precision unchanged. No lower value was tried.
TRIANGLE_EXTRA_CHARS = 100


def _spans(pairs: Mapping[tuple[str, str], PairFacts], x: str, y: str) -> list[tuple[int, int]] | None:
    """The spans of ``x`` shared with ``y`` (sentences, else passages), from whichever order the pair is stored.
    Sentences count only as the kernel's anchors do: pairs in which each is the other's best match, sharing at
    least ``anchor_similarity`` of their stems (a sentence that shares "campaign", "Senate" and "party" with one
    of another story is no text taken)."""
    if (x, y) in pairs:
        p, a = pairs[x, y], 0
    elif (y, x) in pairs:
        p, a = pairs[y, x], 2
    else:
        return None
    sents = [q for q in _mutual_best(p.sentences) if len(q) < 5 or q[4] >= DEFAULT_PROVENANCE.anchor_similarity]
    return [(s[a], s[a + 1]) for s in sents] or [(s[a], s[a + 1]) for s in p.passages]


def _minus(spans: list[tuple[int, int]], cut: list[tuple[int, int]]) -> int:
    """Characters of ``spans`` outside ``cut``: one sweep over both unions (each sorted and disjoint), not every
    span against every cut (the corpus step's largest cost at 100k bench/scale.py articles)."""
    total = 0
    cut = _union(cut)
    j, m = 0, len(cut)
    for s, e in _union(spans):
        while j < m and cut[j][1] <= s:  # cuts ending before this span end before every later one too
            j += 1
        inside, k = 0, j
        while k < m and cut[k][0] < e:
            inside += min(e, cut[k][1]) - max(s, cut[k][0])
            k += 1
        total += (e - s) - inside
    return total


class _Spans:
    """:func:`_spans` of one ``pairs`` mapping as their union (sorted, disjoint), each ordered pair found once: the
    corpus step asks for the same pair's spans in every triangle and chain the pair is part of (275,380 calls for
    some 62,000 ordered pairs at 100k bench/scale.py articles). Every use of the spans takes their union first,
    so the values are unchanged."""

    def __init__(self, pairs: Mapping[tuple[str, str], PairFacts]):
        self.pairs = pairs
        self.memo: dict[tuple[str, str], list[tuple[int, int]] | None] = {}

    def __call__(self, x: str, y: str) -> list[tuple[int, int]] | None:
        key = (x, y)
        if key in self.memo:
            return self.memo[key]
        got = _spans(self.pairs, x, y)
        self.memo[key] = got = None if got is None else _union(got)
        return got


def _credits_directly(lk: Link, deriving: str) -> bool:
    """Whether, in ``lk``, ``deriving`` credits the other article's outlet by name (its own words say where its text
    came from)."""
    sign = 1.0 if deriving == lk.b else -1.0  # credit evidence weighs toward A as the source when B credits A
    return any(e.kind == "credits" and "the outlet of" in e.detail and e.weight * sign > 0 for e in lk.evidence)


def _published_first(lk: Link, first: str) -> bool:
    """Whether, in ``lk``, ``first`` was published before the other article (by the day or by the hour)."""
    sign = 1.0 if first == lk.a else -1.0
    return any(e.kind == "published-before" and e.weight * sign > 0 for e in lk.evidence)


def _directed(lk: Link, source: str, why: str, confidence: float) -> Link:
    """``lk`` relabelled as ``source`` -> the other (a chain seen in the corpus); credited from its credit
    evidence (positive weight: B credits A); churn unknown at this level (the lengths are not here)."""
    direction = "a->b" if source == lk.a else "b->a"
    sign = 1.0 if direction == "a->b" else -1.0
    credited = any(e.kind == "credits" and e.weight * sign > 0 for e in lk.evidence)
    ev = lk.evidence + (Evidence("copy-of-copy", why, sign * CHAIN_WEIGHT),)
    return dataclasses.replace(lk, direction=direction, confidence=confidence, evidence=ev, credited=credited,
                               churn=None, common_source=None, untaken=(), fresh_quotes=())


def _through(sp: _Spans, z: str, x: str, y: str) -> bool:
    """Whether all that ``y`` has of ``z`` it shares with ``x`` too, while ``x`` has ``z``'s material ``y`` lacks:
    ``y``'s text of ``z`` can have come through ``x``."""
    yz, yx, xz, xy = sp(y, z), sp(y, x), sp(x, z), sp(x, y)
    if yz is None or yx is None or xz is None or xy is None:
        return False
    held = sum(e - s for s, e in yz)  # (a union already: _Spans)
    return held >= MIN_EXTRA_CHARS and _minus(yz, yx) < MAX_STRAY_CHARS and _minus(xz, xy) >= MIN_EXTRA_CHARS


def resolve_chains(links: Sequence[Link], pairs: Mapping[tuple[str, str], PairFacts], sp: _Spans | None = None
                   ) -> list[Link]:
    """Relabel a ``common-source`` link as a copy when the corpus shows a chain: (X, Y) as X -> Y when some Z is a
    confident source of X, Y is no source of Z (at any confidence: Y's text of Z would then be Z's of Y) and Y's
    text of Z came through X, and the pair's own directional evidence does not read Y as X's source; then (Z, Y)
    as Z -> Y when Z -> X -> Y so found.
    Links with a direct credit between the two are left alone (the kernel did not read those as common).
    ``sp``: the spans of ``pairs`` as found so far (None: none yet)."""
    sp = _Spans(pairs) if sp is None else sp
    sources: dict[str, set[str]] = {}
    for lk in links:
        if lk.source and lk.confidence >= MIN_SOURCE_CONFIDENCE:
            sources.setdefault(lk.derived, set()).add(lk.source)  # type: ignore[arg-type]
    leaning: dict[str, set[str]] = {}  # derived -> sources, at any confidence
    for lk in links:
        if lk.source:
            leaning.setdefault(lk.derived, set()).add(lk.source)  # type: ignore[arg-type]
    by_pair = {frozenset((lk.a, lk.b)): lk for lk in links}
    out = list(links)
    chained: dict[str, set[str]] = {}  # y -> the x found between some z and y
    for i, lk in enumerate(out):
        if lk.direction != "common-source":
            continue
        lean = sum(e.weight for e in lk.evidence if e.kind not in COMMON_KINDS)  # > 0: toward A as the source
        for x, y in ((lk.a, lk.b), (lk.b, lk.a)):
            if (lean if x == lk.a else -lean) < 0:
                continue  # the pair's own evidence reads Y as the source: X is no step between Z and Y
            if _published_first(lk, y):
                continue  # Y came out first: it cannot have Z's text through X
            zs = sorted(z for z in sources.get(x, set()) - {x, y}  # y no source of z, and names no z as its own
                        if y not in leaning.get(z, set()) and _through(sp, z, x, y)
                        and not (frozenset((z, y)) in by_pair and _credits_directly(by_pair[frozenset((z, y))], y)))
            if zs:
                out[i] = _directed(lk, x, f"all that {y} has of {zs[0]} it shares with {x}, which has more of "
                                          f"{zs[0]}: a copy of a copy", _sigmoid(CHAIN_WEIGHT))
                chained.setdefault(y, set()).add(x)
                sources.setdefault(y, set()).add(x)
                break
    for i, lk in enumerate(out):
        if lk.direction != "common-source":
            continue
        for z, y in ((lk.a, lk.b), (lk.b, lk.a)):
            xs = sorted(x for x in chained.get(y, set()) if z in sources.get(x, set()) and _through(sp, z, x, y))
            if xs:
                out[i] = _directed(lk, z, f"{y} has {z}'s text through {xs[0]} ({z} -> {xs[0]} -> {y})",
                                   _sigmoid(CHAIN_WEIGHT))
                break
    return out


def resolve_in_corpus(links: Sequence[Link], pairs: Mapping[tuple[str, str], PairFacts]) -> list[Link]:
    """Relabel a directed or unknown link X, Y as ``common-source`` when some Z is a confident source of both and
    each of X and Y took from Z itself (it carries Z's material the other lacks, names Z's outlet while the other
    does not, or came out first), or when a third article witnesses text of each that the other lacks
    (:func:`_resolve_triangles`); then relabel common-source links that the corpus shows to be a chain
    (:func:`resolve_chains`). ``pairs`` maps ``(link.a, link.b)`` to that pair's facts."""
    sp = _Spans(pairs)
    return resolve_chains(_resolve_triangles(_resolve_common(links, sp), pairs, sp), pairs, sp)


def _settled(lk: Link) -> bool:
    """A link the corpus step leaves alone: already common-source, or with a direct credit between the two."""
    return lk.direction == "common-source" or any(e.kind == "credits" and "the outlet of" in e.detail
                                                   for e in lk.evidence)


def _resolve_triangles(links: Sequence[Link], pairs: Mapping[tuple[str, str], PairFacts], sp: _Spans
                       ) -> list[Link]:
    """Relabel a directed or unknown link X, Y as ``common-source`` when a third article C that shares text with
    both holds text of X that Y lacks and text of Y that X lacks (each at least TRIANGLE_EXTRA_CHARS), and neither X's
    nor Y's text can have come through C to the other (:func:`_through`): if Y had copied X, what C holds of Y and
    not of X would be Y's own, and C would hold it only by copying Y, or Y by copying C. So C is the common source
    of both, or C, X and Y are copies of one text; the source itself may be absent (a wire story run by three
    outlets). Links with a direct credit between the two are left alone."""
    partners: dict[str, set[str]] = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    out = []
    for lk in links:
        if _settled(lk):
            out.append(lk)
            continue
        x, y = lk.a, lk.b
        best: tuple[int, str] | None = None
        for c in sorted((partners.get(x, set()) & partners.get(y, set())) - {x, y}):
            xc, xy, yc, yx = sp(x, c), sp(x, y), sp(y, c), sp(y, x)
            if None in (xc, xy, yc, yx) or sum(e - s for s, e in xy) < MIN_EXTRA_CHARS:
                continue  # X and Y share too little to tell
            if _through(sp, x, c, y) or _through(sp, y, c, x):
                continue  # one's text of the other can have gone through C
            held = min(_minus(xc, xy), _minus(yc, yx))  # type: ignore[arg-type]
            if held >= TRIANGLE_EXTRA_CHARS and (best is None or held > best[0]):
                best = (held, c)
        if best is None:
            out.append(lk)
            continue
        ev = lk.evidence + (Evidence("common-material", f"{best[1]} holds text of each that the other lacks (at "
                                                        f"least {best[0]} characters): neither copied the other",
                                     CHAIN_WEIGHT),)
        out.append(dataclasses.replace(lk, direction="common-source", confidence=_sigmoid(CHAIN_WEIGHT), evidence=ev,
                                       credited=None, churn=None, common_source=None, untaken=(), fresh_quotes=()))
    return out


def _resolve_common(links: Sequence[Link], sp: _Spans) -> list[Link]:
    sources: dict[str, set[str]] = {}
    for lk in links:
        if lk.source and lk.confidence >= MIN_SOURCE_CONFIDENCE:
            sources.setdefault(lk.derived, set()).add(lk.source)  # type: ignore[arg-type]
    by_pair = {frozenset((lk.a, lk.b)): lk for lk in links}
    out = []
    for lk in links:
        if _settled(lk):
            out.append(lk)
            continue
        x, y = lk.a, lk.b
        best: tuple[int, str, str] | None = None
        for z in sorted((sources.get(x, set()) & sources.get(y, set())) - {x, y}):
            xz, xy, yz, yx = sp(x, z), sp(x, y), sp(y, z), sp(y, x)
            if None in (xz, xy, yz, yx):
                continue
            extra_x, extra_y = _minus(xz, xy), _minus(yz, yx)  # type: ignore[arg-type]
            why = []
            for w, extra, other in ((x, extra_x, y), (y, extra_y, x)):
                # w took from z itself, not through the other: it holds z's text the other lacks, names z's
                # outlet as its source, or came out before the other
                if extra >= TRIANGLE_EXTRA_CHARS:
                    why.append(f"{w} has {extra} characters of {z} that {other} lacks")
                elif _credits_directly(by_pair[frozenset((z, w))], w) \
                        and not _credits_directly(by_pair[frozenset((z, other))], other):
                    why.append(f"{w} credits {z}")  # and the other does not: the credit did not come with its text
                elif _published_first(lk, w):
                    why.append(f"{w} came out before {other}")
            if len(why) == 2 and (best is None or min(extra_x, extra_y) > best[0]):
                best = (min(extra_x, extra_y), z, "; ".join(why))
        if best is None:
            out.append(lk)
            continue
        ev = lk.evidence + (Evidence("common-material", f"each took from {best[1]} itself ({best[2]})", 2.0),)
        out.append(dataclasses.replace(lk, direction="common-source", confidence=_sigmoid(2.0), evidence=ev,
                                       credited=None, churn=None, common_source=best[1], untaken=(),
                                       fresh_quotes=()))
    return out
