"""Compare two articles: the passages one took from the other, with kinds, shares and article metadata.

>>> from newstrace.reuse import compare
>>> text = "Rescuers pulled twelve people from the flooded mine on Tuesday, the regional governor said."
>>> r = compare(text, "In other news today. " + text)
>>> [p.kind for p in r.passages], r.a_share
(['verbatim'], 1.0)
>>> sorted(r.to_json())
['a', 'b', 'passages', 'reuse']

The result is open for later stages: ``r.with_fields(quotes=[...])`` returns a copy whose ``to_json()`` also
carries ``"quotes"``; :func:`register_field` adds a field computed for every comparison.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .align import DEFAULTS, AlignSettings, Passage, prepare
from .align.segments import segments
from .errors import ConfigError, InputError
from .model import Article, Rejection

__all__ = ["Reuse", "compare", "read_article", "register_field", "share"]

# Fields other modules compute for every comparison: name -> function(reuse) -> JSON-ready value.
_FIELDS: dict[str, Callable[["Reuse"], Any]] = {}


def register_field(name: str, compute: Callable[["Reuse"], Any]) -> None:
    """Add ``name`` to every :meth:`Reuse.to_json`, computed by ``compute(reuse)`` (quotations, provenance...)."""
    if name in {"a", "b", "passages", "reuse"}:
        raise ConfigError(f"{name!r} is a core field of the comparison")
    _FIELDS[name] = compute


def share(spans: Sequence[tuple[int, int]], length: int) -> float:
    """The fraction of ``length`` characters covered by the union of half-open ``spans``."""
    if length <= 0:
        return 0.0
    covered, end = 0, 0
    for s, e in sorted(spans):
        s = max(s, end)
        if e > s:
            covered += e - s
            end = e
    return round(covered / length, 4)


def _ref(a: Article) -> dict[str, Any]:
    pub = a.published.isoformat() if isinstance(a.published, (dt.date, dt.datetime)) else a.published
    return {"id": a.id, "title": a.title, "outlet": a.outlet, "published": pub}


@dataclass(frozen=True)
class Reuse:
    """What two articles share: passages with offsets into ``a.text`` and ``b.text``, and the shares.

    ``fields`` holds extra JSON fields added by later stages (see :meth:`with_fields`).
    """

    a: Article
    b: Article
    passages: tuple[Passage, ...]
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def a_share(self) -> float:
        """Fraction of A's characters inside passages."""
        return share([(p.a_start, p.a_end) for p in self.passages], len(self.a.text))

    @property
    def b_share(self) -> float:
        """Fraction of B's characters inside passages."""
        return share([(p.b_start, p.b_end) for p in self.passages], len(self.b.text))

    def with_fields(self, **fields: Any) -> "Reuse":
        """A copy carrying extra JSON fields (``quotes=...``, ``provenance=...``)."""
        return dataclasses.replace(self, fields={**self.fields, **fields})

    def passage_json(self, p: Passage) -> dict[str, Any]:
        """One passage with offsets into the *source* of each article (what users see in the raw input)."""
        a0, a1 = self.a.span_to_source(p.a_start, p.a_end)
        b0, b1 = self.b.span_to_source(p.b_start, p.b_end)
        return {"a_start": a0, "a_end": a1, "b_start": b0, "b_end": b1, "kind": p.kind,
                "similarity": p.similarity}

    def to_json(self) -> dict[str, Any]:
        """``{"a", "b", "passages", "reuse", ...extra fields}``, ready for ``json.dumps``."""
        out: dict[str, Any] = {
            "a": _ref(self.a), "b": _ref(self.b),
            "passages": [self.passage_json(p) for p in self.passages],
            "reuse": {"a_share": self.a_share, "b_share": self.b_share},
        }
        for name, compute in _FIELDS.items():
            out[name] = compute(self)
        out.update(self.fields)
        return out


def _article(x: Article | str, name: str) -> Article:
    if isinstance(x, Article):
        return x
    if isinstance(x, str):
        return Article.from_text(x, path=f"<{name}>")
    raise InputError(f"compare() takes texts or Articles, got {type(x).__name__} for {name}")


def compare(a: Article | str, b: Article | str, *, settings: AlignSettings = DEFAULTS, full: bool = True,
            accurate: bool = False) -> Reuse:
    """What A and B share and what it means.

    The passages (verbatim runs, quotations, edited and paraphrased sentences) always; with ``full`` (default)
    also the shared quotations (``quotes``), story similarity (``story_similarity``, ``same_story``) and the
    provenance decision (``direction``, ``confidence``, ``evidence``, ``credited``, ``churn``, plus ``source``,
    ``derived``, ``common_source``, ``untaken`` and ``fresh_quotes`` as source-offset spans of the derived text).
    ``accurate`` finds the quotations with the slower, more accurate tagger mode (:func:`newstrace.quotes`).
    """
    aa, bb = _article(a, "a"), _article(b, "b")
    passages = segments(prepare(aa.text), prepare(bb.text), settings)
    r = Reuse(aa, bb, tuple(passages))
    return r.with_fields(**_meaning(aa, bb, accurate)) if full else r


def _meaning(a: Article, b: Article, accurate: bool = False) -> dict[str, Any]:
    """The quotation, story and provenance fields of :func:`compare` (each computed once, from shared facts)."""
    from .provenance import article_facts, link, pair_facts
    from .quotes import match_quotes, quotes
    from .stories import story_similarity

    qa, qb = quotes(a, accurate=accurate), quotes(b, accurate=accurate)  # found once: the facts and the pair facts take them
    matches = match_quotes(a, b, qa, qb)
    lk = link(a, b, facts_a=article_facts(a, quotes=qa), facts_b=article_facts(b, quotes=qb),
              pair=pair_facts(a, b, matches=matches))
    sim = story_similarity(a, b)
    from .stories import DEFAULT_STORY_SETTINGS

    derived = {lk.a: a, lk.b: b}.get(lk.derived or "")
    spans = (lambda xs: [list(derived.span_to_source(s, e)) for s, e in sorted(set(xs))]) if derived else (lambda xs: [])
    return {
        "quotes": [m.to_json(a, b) for m in matches],
        "story_similarity": round(sim, 4), "same_story": sim >= DEFAULT_STORY_SETTINGS.threshold,
        "direction": lk.direction, "confidence": round(lk.confidence, 3),
        "evidence": [e.to_json() for e in lk.evidence], "credited": lk.credited,
        "churn": None if lk.churn is None else round(lk.churn, 3),
        "source": lk.source, "derived": lk.derived, "common_source": lk.common_source,
        "untaken": spans(lk.untaken), "fresh_quotes": spans(lk.fresh_quotes),
    }


def read_article(path: str) -> Article:
    """The one article in ``path`` (any format the readers take, or ``-`` for stdin).

    Raises :class:`InputError` when the input holds no article (with the reader's reason) or several.
    """
    from .read import read

    items = list(read(path))
    arts = [x for x in items if isinstance(x, Article)]
    if len(arts) == 1:
        return arts[0]
    if not arts:
        why = "; ".join(x.describe() for x in items if isinstance(x, Rejection)) or "nothing readable"
        raise InputError(f"{path}: no article ({why})")
    raise InputError(f"{path}: holds {len(arts)} articles; compare takes one article per input")
