"""Lossless JSON codecs for the values stages hand each other through the store (floats keep every bit)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson

from ..model import Span
from ..provenance import ArticleFacts, Evidence, Link, PairFacts, QuoteFact
from ..quotes import Quote
from ..stories import StoryFeatures

__all__ = ["dump", "loads", "facts_from", "facts_to", "features_from", "features_to", "link_from", "link_to",
           "pair_from", "pair_to", "quote_from", "quote_to", "span_obj"]


def dump(value: Any) -> str:
    """Compact, key-sorted JSON (the same value always gives the same string)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# orjson writes the same bytes as json.dumps(ensure_ascii=False, compact separators) for strings (every code point
# but the lone surrogates checked), ints within 64 bits, None and booleans, in 6-8x less time (story features:
# 65 -> 9.5 us per bench article), and reads 2-2.5x faster (features 98 -> 52 us, a quotation 5.8 -> 2.4 us).
# It differs on floats (exponents), NaN and infinities, so only the float-free values below use it to write; what
# it refuses (a lone surrogate, an int beyond 64 bits, NaN or Infinity when reading) goes to json, which accepts
# them. One difference in reading stays: orjson reads an int beyond 64 bits as a float; these values hold offsets,
# lengths and counts, far below. tests/pipeline/test_codec.py checks both.
def _fast(value: Any, sort: bool) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort else 0).decode()
    except TypeError:  # orjson.JSONEncodeError: lone surrogates, big ints
        return json.dumps(value, ensure_ascii=False, sort_keys=sort, separators=(",", ":"))


def loads(s: str) -> Any:
    """``json.loads`` of ``s`` (through orjson where it reads it)."""
    try:
        return orjson.loads(s)
    except ValueError:  # orjson.JSONDecodeError: NaN, Infinity, escaped lone surrogates
        return json.loads(s)


def _date_to(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date_from(value: str | None) -> dt.date | dt.datetime | None:
    if value is None:
        return None
    return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)


def facts_to(f: ArticleFacts) -> str:
    return dump({"id": f.id, "length": f.length, "outlet": f.outlet, "published": _date_to(f.published),
                 "credits": list(f.credits), "datelines": list(f.datelines), "quotes": [list(q) for q in f.quotes],
                 "agencies": sorted(f.agencies), "credit_spans": [list(c) for c in f.credit_spans]})


def facts_from(s: str) -> ArticleFacts:
    d = loads(s)
    return ArticleFacts(id=d["id"], length=d["length"], outlet=d["outlet"], published=_date_from(d["published"]),
                        credits=tuple(d["credits"]), datelines=tuple(d["datelines"]),
                        quotes=tuple(tuple(q) for q in d["quotes"]), agencies=frozenset(d["agencies"]),
                        credit_spans=tuple(tuple(c) for c in d["credit_spans"]))


def pair_to(p: PairFacts) -> str:
    return dump({"passages": [list(x) for x in p.passages],
                 "quotes": [[q.a_start, q.a_end, q.b_start, q.b_end, q.relation, q.speaker] for q in p.quotes],
                 "sentences": [list(x) for x in p.sentences]})


def pair_from(s: str) -> PairFacts:
    d = loads(s)
    return PairFacts(passages=tuple(tuple(x) for x in d["passages"]),  # type: ignore[misc]
                     quotes=tuple(QuoteFact(*q) for q in d["quotes"]),
                     sentences=tuple(tuple(x) for x in d["sentences"]))  # type: ignore[misc]


def link_to(lk: Link) -> str:
    return dump({"a": lk.a, "b": lk.b, "direction": lk.direction, "confidence": lk.confidence,
                 "evidence": [[e.kind, e.detail, e.weight] for e in lk.evidence], "credited": lk.credited,
                 "churn": lk.churn, "common_source": lk.common_source, "untaken": [list(x) for x in lk.untaken],
                 "fresh_quotes": [list(x) for x in lk.fresh_quotes]})


def link_from(s: str) -> Link:
    d = loads(s)
    return Link(a=d["a"], b=d["b"], direction=d["direction"], confidence=d["confidence"],
                evidence=tuple(Evidence(*e) for e in d["evidence"]), credited=d["credited"], churn=d["churn"],
                common_source=d["common_source"], untaken=tuple(tuple(x) for x in d["untaken"]),
                fresh_quotes=tuple(tuple(x) for x in d["fresh_quotes"]))


def features_to(f: StoryFeatures) -> str:
    """Keeps the dicts' order (sums over them then add up in the same order as on the original)."""
    return _fast({"id": f.id, "words": dict(f.words), "entities": dict(f.entities),
                  "published": _date_to(f.published)}, False)


def features_from(s: str) -> StoryFeatures:
    d = loads(s)
    pub = d["published"]
    return StoryFeatures(id=d["id"], words=d["words"], entities=d["entities"],
                         published=dt.date.fromisoformat(pub) if pub else None)


def span_obj(s: Span | None) -> list[int] | None:
    return None if s is None else [s.start, s.end]


def quote_to(q: Quote) -> str:
    """The whole :class:`Quote` (body offsets), enough to rebuild it for quotation matching."""
    return _fast({"content": span_obj(q.content), "kind": q.kind, "speaker": span_obj(q.speaker),
                  "cue": span_obj(q.cue), "addressee": span_obj(q.addressee), "name": q.name, "role": q.role,
                  "pieces": [span_obj(p) for p in q.pieces]}, True)


def quote_from(s: str) -> Quote:
    d = loads(s)

    def sp(x: list[int] | None) -> Span | None:
        return None if x is None else Span(x[0], x[1])

    return Quote(content=Span(*d["content"]), kind=d["kind"], speaker=sp(d["speaker"]), cue=sp(d["cue"]),
                 addressee=sp(d["addressee"]), name=d["name"], role=d["role"],
                 pieces=tuple(Span(*p) for p in d["pieces"]))
