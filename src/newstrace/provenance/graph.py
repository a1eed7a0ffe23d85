"""A story's provenance graph: a DAG of links (cycles broken at the weakest link), as GraphML or JSON."""

from __future__ import annotations

from typing import Sequence

from .model import ArticleFacts, Link

__all__ = ["graph_json", "story_graph", "write_graphml"]


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

