"""The view values the faces show: article refs, passages, links, quotes, credits, stories and pairs."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from ..model import Article
from ..provenance.model import ends

__all__ = ["ArticleRef", "CreditView", "LinkView", "PairView", "PassageView", "QuoteMatchView", "QuoteView",
           "StoryView", "safe_url"]


def safe_url(url: str | None) -> str | None:
    """``url`` when its scheme is http or https (the only links the faces render), else None."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _iso(p: dt.date | dt.datetime | None) -> str | None:
    return p.isoformat() if p is not None else None


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What a list shows of an article; ``url`` only when it is http(s)."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    length: int

    @classmethod
    def of(cls, a: Article) -> "ArticleRef":
        return cls(a.id, a.title, a.outlet, safe_url(a.url), _iso(a.published), len(a.text))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PassageView:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: str
    similarity: float

    def swapped(self) -> "PassageView":
        return PassageView(self.b_start, self.b_end, self.a_start, self.a_end, self.kind, self.similarity)


@dataclass(frozen=True, slots=True)
class LinkView:
    """A provenance link; ``source``/``derived`` are set when the direction is known."""

    a: str
    b: str
    direction: str
    confidence: float
    credited: bool | None = None
    churn: float | None = None
    common_source: str | None = None
    evidence: tuple[dict, ...] = ()

    @property
    def source(self) -> str | None:
        return ends(self.direction, self.a, self.b)[0]

    @property
    def derived(self) -> str | None:
        return ends(self.direction, self.a, self.b)[1]

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "evidence": list(self.evidence), "source": self.source, "derived": self.derived}


@dataclass(frozen=True, slots=True)
class QuoteView:
    start: int
    end: int
    kind: str
    speaker: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class CreditView:
    outlet: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class QuoteMatchView:
    """One quotation found in both articles of a pair, seen from B: match type and word-level diff."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    match: str
    diff: tuple[dict, ...] = ()
    misattributed: bool = False
    speaker_a: str | None = None
    speaker_b: str | None = None

    def swapped(self) -> "QuoteMatchView":
        diff = tuple({**d, "a": d.get("b", ""), "b": d.get("a", "")} for d in self.diff)
        flip = {"truncated": "extended", "extended": "truncated"}
        return QuoteMatchView(self.b_start, self.b_end, self.a_start, self.a_end, flip.get(self.match, self.match),
                              diff, self.misattributed, self.speaker_b, self.speaker_a)


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story: its articles (ids, oldest first) and the links between them."""

    id: str
    title: str | None
    articles: tuple[str, ...]
    links: tuple[LinkView, ...] = ()


@dataclass(frozen=True, slots=True)
class PairView:
    """Two articles side by side: passages and shared quotations (None: the stage is not computed)."""

    a: Article
    b: Article
    passages: tuple[PassageView, ...] | None
    quote_matches: tuple[QuoteMatchView, ...] | None
    link: LinkView | None = None

    def to_json(self) -> dict[str, Any]:
        return {"a": ArticleRef.of(self.a).to_json(), "b": ArticleRef.of(self.b).to_json(),
                "a_text": self.a.text, "b_text": self.b.text,
                "passages": None if self.passages is None else [asdict(p) for p in self.passages],
                "quote_matches": None if self.quote_matches is None else [asdict(q) for q in self.quote_matches],
                "link": self.link.to_json() if self.link else None}
