"""Common sources inside the corpus: two copies of one article seen as copies of each other.

When a story holds a source Z and two articles X and Y that both took from it, the pair (X, Y) shares Z's text,
so the pair-level kernel may read it as one copying the other. Seen with Z, the difference is plain: in a chain
Z -> X -> Y, everything Y has of Z came through X; when X and Y each took from Z, each carries some of Z's
material that the other lacks, which copying in either direction cannot explain.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

from .kernel import _sigmoid, _union
from .model import Evidence, Link, PairFacts

__all__ = ["resolve_in_corpus"]

# Each of X and Y must carry at least this many characters of Z's text that the other lacks (about two
# sentences: one sentence could be a rewrite the matcher missed).
MIN_EXTRA_CHARS = 200
# Z must be a confident source of both (odds of about 4:1).
MIN_SOURCE_CONFIDENCE = 0.8


def _spans(pairs: Mapping[tuple[str, str], PairFacts], x: str, y: str) -> list[tuple[int, int]] | None:
    """The spans of ``x`` shared with ``y`` (sentences, else passages), from whichever order the pair is stored."""
    if (x, y) in pairs:
        p = pairs[x, y]
        return [(s[0], s[1]) for s in p.sentences] or [(s[0], s[1]) for s in p.passages]
    if (y, x) in pairs:
        p = pairs[y, x]
        return [(s[2], s[3]) for s in p.sentences] or [(s[2], s[3]) for s in p.passages]
    return None


def _minus(spans: list[tuple[int, int]], cut: list[tuple[int, int]]) -> int:
    """Characters of ``spans`` outside ``cut``."""
    total = 0
    cut = _union(cut)
    for s, e in _union(spans):
        inside = sum(max(0, min(e, ce) - max(s, cs)) for cs, ce in cut)
        total += (e - s) - inside
    return total


def resolve_in_corpus(links: Sequence[Link], pairs: Mapping[tuple[str, str], PairFacts]) -> list[Link]:
    """Relabel a directed or unknown link X, Y as ``common-source`` when some Z is a confident source of both and
    X and Y each carry Z's material that the other lacks. ``pairs`` maps ``(link.a, link.b)`` to that pair's facts."""
    sources: dict[str, set[str]] = {}
    for lk in links:
        if lk.source and lk.confidence >= MIN_SOURCE_CONFIDENCE:
            sources.setdefault(lk.derived, set()).add(lk.source)  # type: ignore[arg-type]
    out = []
    for lk in links:
        if lk.direction == "common-source" or any(e.kind == "credits" and "the outlet of" in e.detail
                                                       for e in lk.evidence):
            out.append(lk)
            continue
        x, y = lk.a, lk.b
        best: tuple[int, str] | None = None
        for z in sorted((sources.get(x, set()) & sources.get(y, set())) - {x, y}):
            xz, xy, yz, yx = _spans(pairs, x, z), _spans(pairs, x, y), _spans(pairs, y, z), _spans(pairs, y, x)
            if None in (xz, xy, yz, yx):
                continue
            extra = min(_minus(xz, xy), _minus(yz, yx))  # type: ignore[arg-type]
            if extra >= MIN_EXTRA_CHARS and (best is None or extra > best[0]):
                best = (extra, z)
        if best is None:
            out.append(lk)
            continue
        ev = lk.evidence + (Evidence("common-material", f"each carries text of {best[1]} that the other lacks "
                                                        f"(at least {best[0]} characters)", 2.0),)
        out.append(dataclasses.replace(lk, direction="common-source", confidence=_sigmoid(2.0), evidence=ev,
                                       credited=None, churn=None, common_source=best[1], untaken=(),
                                       fresh_quotes=()))
    return out
