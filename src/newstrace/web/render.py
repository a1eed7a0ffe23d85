"""What the app's templates draw: text cut into highlighted pieces, and a story's graph as SVG geometry.

Plain values only; every string ends up in a Jinja2 template with autoescape on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..report.layout import layout
from ..views import ArticleRef, LinkView, StoryView

__all__ = ["Piece", "graph_view", "pieces"]

KINDS = ("verbatim", "edited", "paraphrase")


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of text, inside passage ``p`` (of ``kind``) and/or shared quotation ``q`` (None: outside)."""

    text: str
    kind: str | None = None
    p: int | None = None
    q: int | None = None


def _covering(spans: Sequence[tuple[int, int, Any]], x: int, y: int) -> tuple[int, int, Any] | None:
    return next((s for s in spans if s[0] <= x and y <= s[1]), None)


def pieces(text: str, passages: Sequence[tuple[int, int, str]], quotes: Sequence[tuple[int, int]] = ()) -> list[Piece]:
    """``text`` cut at every passage and quotation boundary (spans are clipped to the text).

    >>> [(p.text, p.kind, p.p) for p in pieces("abcdef", [(1, 3, "verbatim")])]
    [('a', None, None), ('bc', 'verbatim', 0), ('def', None, None)]
    """
    n = len(text)
    ps = [(max(0, min(n, s)), max(0, min(n, e)), (i, k)) for i, (s, e, k) in enumerate(passages)]
    qs = [(max(0, min(n, s)), max(0, min(n, e)), i) for i, (s, e) in enumerate(quotes)]
    cuts = sorted({0, n, *(c for s in ps + qs for c in s[:2])})  # type: ignore[misc]
    out = []
    for x, y in zip(cuts, cuts[1:]):
        p, q = _covering(ps, x, y), _covering(qs, x, y)
        kind = (p[2][1] if p[2][1] in KINDS else "other") if p else None
        out.append(Piece(text[x:y], kind, p[2][0] if p else None, q[2] if q else None))
    return out


def _edge_class(lk: LinkView | None, directed: bool) -> str:
    if lk is None or not directed or lk.source is None:
        return "undirected"
    return "credited" if lk.credited else "uncredited"


def graph_view(story: StoryView, refs: dict[str, ArticleRef]) -> dict[str, Any]:
    """The story's layered graph with, per node, its article, and per edge its link, class and SVG path."""
    links = sorted(story.links, key=lambda lk: -lk.confidence)
    g = layout(list(story.articles), [(lk.source, lk.derived, bool(lk.credited)) for lk in links if lk.source],
               [(lk.a, lk.b) for lk in links if not lk.source])
    by_pair = {frozenset((lk.a, lk.b)): lk for lk in links}
    for n in g["nodes"]:
        n["article"] = refs.get(n["id"])
    for e in g["edges"]:
        lk = by_pair.get(frozenset((e["source"], e["derived"])))
        e["link"], e["cls"] = lk, _edge_class(lk, e["directed"])
        x1, y1, x2, y2 = e["x1"], e["y1"], e["x2"], e["y2"]
        c1, c2 = (x1 + 70, x2 + 70) if x1 == x2 else ((x1 + x2) / 2, (x1 + x2) / 2)
        e["d"] = f"M{x1},{y1} C{c1},{y1} {c2},{y2} {x2},{y2}"
    return g
