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

import datetime as dt  # noqa: F401  (used by the example above)

from .kernel import decide
from .corpus import resolve_in_corpus
from .facts import article_facts, link, pair_facts, quote_relation
from .graph import graph_json, story_graph, write_graphml
from .model import (DEFAULT_PROVENANCE, ArticleFacts, Direction, Evidence, Link, PairFacts, ProvenanceSettings,
                    QuoteFact)

__all__ = [
    "DEFAULT_PROVENANCE",
    "ArticleFacts",
    "Direction",
    "Evidence",
    "Link",
    "PairFacts",
    "ProvenanceSettings",
    "QuoteFact",
    "article_facts",
    "decide",
    "graph_json",
    "link",
    "pair_facts",
    "quote_relation",
    "resolve_in_corpus",
    "story_graph",
    "write_graphml",
]
