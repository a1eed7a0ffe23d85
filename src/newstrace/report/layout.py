"""A layered drawing of a story's provenance graph: sources left, what was taken from them to the right.

Directed links (source -> derived) set the layers: an article's layer is the longest chain of sources above it.
Links are added strongest first and one that would close a cycle is drawn undirected instead. Within a layer
articles go by publication time. Pure: plain values in, coordinates out (the faces draw the SVG).

>>> g = layout(["a", "b", "c"], [("a", "b", True), ("b", "c", False)])
>>> [n["layer"] for n in g["nodes"]], g["width"] > 0
([0, 1, 2], True)
"""

from __future__ import annotations

from typing import Any, Sequence

__all__ = ["NODE_H", "NODE_W", "layout"]

NODE_W, NODE_H = 180, 44  # node box in SVG units
GAP_X, GAP_Y, PAD = 70, 22, 12
BEND = 80  # room right of the last layer for edges that join two articles of one layer


def _reaches(succ: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        n = todo.pop()
        if n == goal:
            return True
        for m in succ.get(n, ()):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return False


def _layers(nodes: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    succ: dict[str, set[str]] = {}
    for s, d in edges:
        succ.setdefault(s, set()).add(d)
    layer = {n: 0 for n in nodes}
    for _ in range(len(nodes)):  # longest path by relaxation (a DAG settles in at most len(nodes) rounds)
        changed = False
        for s, d in edges:
            if layer[d] < layer[s] + 1:
                layer[d] = layer[s] + 1
                changed = True
        if not changed:
            break
    return layer


def layout(nodes: Sequence[str], links: Sequence[tuple[str, str, bool]],
           undirected: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """Coordinates for ``nodes`` (in time order) with directed ``links`` ``(source, derived, strong)``.

    Returns ``{"nodes": [{id, x, y, layer}], "edges": [{source, derived, directed, x1, y1, x2, y2}], "width",
    "height"}``; ``links`` are taken in order (put the most confident first) and one closing a cycle becomes
    undirected.
    """
    order = {n: i for i, n in enumerate(nodes)}
    succ: dict[str, set[str]] = {}
    directed, loose = [], list(undirected)
    for s, d, _ in links:
        if s not in order or d not in order or s == d:
            continue
        if _reaches(succ, d, s):
            loose.append((s, d))
            continue
        succ.setdefault(s, set()).add(d)
        directed.append((s, d))
    layer = _layers(nodes, directed)
    columns: dict[int, list[str]] = {}
    for n in nodes:
        columns.setdefault(layer[n], []).append(n)
    pos: dict[str, tuple[int, int]] = {}
    for k, col in columns.items():
        for i, n in enumerate(sorted(col, key=order.__getitem__)):
            pos[n] = (PAD + k * (NODE_W + GAP_X), PAD + i * (NODE_H + GAP_Y))
    out_nodes = [{"id": n, "x": pos[n][0], "y": pos[n][1], "layer": layer[n]} for n in nodes]
    edges = [_edge(pos, s, d, True) for s, d in directed]
    edges += [_edge(pos, s, d, False) for s, d in loose if s in pos and d in pos]
    rows = max((len(c) for c in columns.values()), default=0)
    return {"nodes": out_nodes, "edges": edges, "node_w": NODE_W, "node_h": NODE_H,
            "width": PAD * 2 + max(len(columns), 1) * (NODE_W + GAP_X) - GAP_X + BEND,
            "height": PAD * 2 + max(rows, 1) * (NODE_H + GAP_Y) - GAP_Y}


def _edge(pos: dict[str, tuple[int, int]], s: str, d: str, directed: bool) -> dict[str, Any]:
    """An edge from the side of ``s`` facing ``d`` to the side of ``d`` facing ``s`` (right sides in one layer)."""
    (x1, y1), (x2, y2) = pos[s], pos[d]
    if x1 < x2:
        x1 += NODE_W
    elif x1 > x2:
        x2 += NODE_W
    else:
        x1, x2 = x1 + NODE_W, x2 + NODE_W
    return {"source": s, "derived": d, "directed": directed, "x1": x1, "y1": y1 + NODE_H // 2, "x2": x2,
            "y2": y2 + NODE_H // 2}
