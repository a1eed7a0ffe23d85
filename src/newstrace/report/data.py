"""The report's data: every article, story, link, passage, quote and credit as one compact JSON object.

The page renders from it lazily (report.js), so the initial DOM stays small however many articles there are.
Shapes (arrays keep the file small):

- ``articles[i]``: ``{id, title, outlet, url, published, text, quotes, credits}``; ``quotes`` is a list of
  ``[start, end, kind, speaker, role]`` and ``credits`` of ``[outlet, kind, start, end]`` (None: not computed);
- ``stories[k]``: ``{id, title, articles: [i...], links: [...], graph}``; a link is ``{a, b, source, derived,
  direction, credited, confidence, churn, common_source, evidence, passages, quotes}`` with article indices,
  ``passages`` as ``[a_start, a_end, b_start, b_end, kind, similarity]`` and ``quotes`` as ``[a_start, a_end,
  b_start, b_end, match, diff, misattributed, speaker_a, speaker_b]`` (None: not computed);
- ``graph``: :func:`newstrace.report.layout.layout` with indices for ids.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..model import Article
from ..views import LinkView, StoryView, Views, safe_url
from .layout import layout

__all__ = ["report_data"]


def _article_json(a: Article, views: Views) -> dict[str, Any]:
    q, c = views.quotes(a), views.credits(a)
    return {"id": a.id, "title": a.title, "outlet": a.outlet, "url": safe_url(a.url),
            "published": a.published.isoformat() if a.published else None, "text": a.text,
            "quotes": None if q is None else [[x.start, x.end, x.kind, x.speaker, x.role] for x in q],
            "credits": None if c is None else [[x.outlet, x.kind, x.start, x.end] for x in c]}


def _link_json(lk: LinkView, index: dict[str, int], views: Views) -> dict[str, Any] | None:
    if lk.a not in index or lk.b not in index:
        return None
    compute = views.computable()  # a large store shows what is stored, never aligns thousands of pairs here
    p = views.passages(lk.a, lk.b, compute=compute)
    q = views.quote_matches(lk.a, lk.b, compute=compute)
    out = lk.to_json()
    for k in ("a", "b", "source", "derived"):
        out[k] = index.get(out[k]) if out[k] is not None else None
    out["passages"] = None if p is None else [[x.a_start, x.a_end, x.b_start, x.b_end, x.kind, x.similarity]
                                              for x in p]
    out["quotes"] = None if q is None else [[x.a_start, x.a_end, x.b_start, x.b_end, x.match, list(x.diff),
                                             x.misattributed, x.speaker_a, x.speaker_b] for x in q]
    return out


def _story_json(s: StoryView, index: dict[str, int], views: Views) -> dict[str, Any]:
    links = sorted(s.links, key=lambda lk: -lk.confidence)
    found = [j for j in (_link_json(lk, index, views) for lk in links) if j is not None]
    directed = [(lk.source, lk.derived, bool(lk.credited)) for lk in links if lk.source]
    loose = [(lk.a, lk.b) for lk in links if not lk.source]
    g = layout(list(s.articles), directed, loose)  # type: ignore[arg-type]
    for n in g["nodes"]:
        n["id"] = index[n["id"]]
    for e in g["edges"]:
        e["source"], e["derived"] = index[e["source"]], index[e["derived"]]
    return {"id": s.id, "title": s.title, "articles": [index[a] for a in s.articles], "links": found, "graph": g}


def report_data(views: Views) -> dict[str, Any]:
    """Everything the report shows, JSON-ready."""
    views.prefetch()
    articles, index = [], {}
    for a in views.store.articles():
        index[a.id] = len(articles)
        articles.append(_article_json(a, views))
    stories = [_story_json(s, index, views) for s in views.stories()]
    return {"meta": {"articles": len(articles), "stories": len(stories), "status": views.status(),
                     "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
            "articles": articles, "stories": stories}
