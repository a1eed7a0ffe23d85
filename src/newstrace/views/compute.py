"""Stages computed on the fly for a small store, with the library functions (reuse, quotes, provenance)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Article
from ..store import Store
from .model import CreditView, LinkView, PassageView, QuoteMatchView, QuoteView

__all__ = ["Computed", "article_credits", "article_quotes", "compare_pair", "compute_links", "match_pair"]


@dataclass
class Computed:
    """Results computed on the fly for a small store (filled lazily, guarded by the Views lock)."""

    stories: dict[str, list[str]] | None = None
    links: dict[frozenset[str], LinkView] | None = None
    passages: dict[tuple[str, str], tuple[PassageView, ...]] = field(default_factory=dict)
    quotes: dict[str, tuple[QuoteView, ...]] = field(default_factory=dict)
    credits: dict[str, tuple[CreditView, ...]] = field(default_factory=dict)


def compare_pair(a: Article, b: Article) -> tuple[PassageView, ...]:
    """The passages of :func:`newstrace.reuse.compare`, as views."""
    from ..reuse import compare

    return tuple(PassageView(p.a_start, p.a_end, p.b_start, p.b_end, str(p.kind), round(float(p.similarity), 3))
                 for p in compare(a, b).passages)


def match_pair(a: Article, b: Article) -> tuple[QuoteMatchView, ...]:
    """Quotations of B also in A (:func:`newstrace.match_quotes`), as views."""
    from ..quotes import match_quotes

    return tuple(QuoteMatchView(m.a_span.start, m.a_span.end, m.b_span.start, m.b_span.end, m.match, m.diff,
                                m.misattributed, m.a.name, m.b.name) for m in match_quotes(a, b))


def article_quotes(a: Article) -> tuple[QuoteView, ...]:
    from ..quotes import quotes

    return tuple(QuoteView(q.content.start, q.content.end, q.kind, q.name, q.role) for q in quotes(a))


def article_credits(a: Article) -> tuple[CreditView, ...]:
    from ..quotes import credits

    return tuple(CreditView(c.outlet, c.kind, c.span.start, c.span.end) for c in credits(a))


def _story_pairs(arts: list[Article]) -> list[tuple[int, int]]:
    """Pairs of a story's articles that share rare n-grams (:mod:`newstrace.candidates`)."""
    from ..candidates import CandidateSettings, candidate_pairs_numpy
    from ..fingerprint import postings

    found = candidate_pairs_numpy(postings([a.text for a in arts]), CandidateSettings(max_df=max(2, len(arts))))
    return sorted(found.pairs())


def compute_links(store: Store, groups: dict[str, list[str]]
                  ) -> tuple[dict[frozenset[str], LinkView], dict[tuple[str, str], tuple[PassageView, ...]]]:
    """Links and passages of every candidate pair inside each story (reuse, then provenance)."""
    from ..provenance import article_facts, link, pair_facts, resolve_in_corpus

    found, passages, pairs = [], {}, {}
    for members in groups.values():
        if len(members) < 2:
            continue
        arts = list(store.articles(members))
        facts = {a.id: article_facts(a) for a in arts}
        for i, j in _story_pairs(arts):
            a, b = arts[i], arts[j]
            shown = compare_pair(a, b)
            if not shown:
                continue
            passages[a.id, b.id] = shown
            pf = pairs[a.id, b.id] = pair_facts(a, b)
            found.append(link(a, b, facts_a=facts[a.id], facts_b=facts[b.id], pair=pf))
    links = {}
    for lk in resolve_in_corpus(found, pairs):
        links[frozenset((lk.a, lk.b))] = LinkView(
            lk.a, lk.b, lk.direction, round(lk.confidence, 3), lk.credited,
            None if lk.churn is None else round(lk.churn, 3), lk.common_source,
            tuple(e.to_json() for e in lk.evidence))
    return links, passages
