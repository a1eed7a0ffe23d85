"""The stage codecs: orjson where it writes the same string as json, json where it does not (see codec._fast)."""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import given, settings, strategies as st

from newstrace.model import Span
from newstrace.pipeline import codec
from newstrace.pipeline.stages import _QUOTES, decoded_quotes
from newstrace.quotes import Quote
from newstrace.stories import StoryFeatures

# control characters, quote marks, backslashes, non-Latin scripts, combining marks, astral code points and the
# two line separators JavaScript cares about
AWKWARD = ["plain", "", 'say "no"', "back\\slash", "tab\tnew\nline\r", "\x00\x01\x1f\x7f", "naïve café",
           "Ben-Gurion’s «quote»", "中文", "e\u0301", "🙂 and 𝔘", "\u2028\u2029", "\ufeffbom", "\ud800lone",
           "x\udfff"]


def _json_features(f: StoryFeatures) -> str:  # what features_to wrote before orjson
    return json.dumps({"id": f.id, "words": dict(f.words), "entities": dict(f.entities),
                       "published": f.published.isoformat() if f.published else None},
                      ensure_ascii=False, separators=(",", ":"))


def _quote(name: str | None, role: str | None) -> Quote:
    return Quote(content=Span(10, 40), kind="direct", speaker=Span(0, 8), cue=Span(9, 13), addressee=None,
                 name=name, role=role, pieces=(Span(10, 20), Span(25, 40)))


def test_features_and_quotes_write_what_json_wrote() -> None:
    for s in AWKWARD:
        f = StoryFeatures(id=s, words={s: 2, "b" + s: 1, "a": 3}, entities={s.upper(): 1},
                          published=dt.date(2024, 5, 1))
        assert codec.features_to(f) == _json_features(f)
        assert codec.features_from(codec.features_to(f)) == f
        q = _quote(s, s or None)
        assert codec.quote_to(q) == codec.dump(json.loads(codec.quote_to(q)))  # key-sorted, compact
        assert codec.quote_from(codec.quote_to(q)) == q
    big = StoryFeatures(id="big", words={"w": 2**70}, entities={}, published=None)  # beyond orjson's ints
    assert codec.features_to(big) == _json_features(big)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.integers(0, 10**6), max_size=8), st.text(max_size=20))
def test_features_write_what_json_wrote_on_any_text(words: dict[str, int], ident: str) -> None:
    f = StoryFeatures(id=ident, words=words, entities={k[::-1]: v for k, v in words.items()}, published=None)
    assert codec.features_to(f) == _json_features(f)
    assert list(codec.features_from(codec.features_to(f)).words) == list(words)  # the order kept


def test_loads_reads_what_json_reads() -> None:
    for s in ['{"a":[1,2.5,null,true]}', "[1e-07,0.1,1e+16,-0.0]", '"\\ud800"', '"\\u00e9\\n"', "[NaN]",
              "[Infinity,-Infinity]", '{"k":1,"k":2}', "1e400"]:
        got, want = codec.loads(s), json.loads(s)
        if s == "[NaN]":
            assert math.isnan(got[0])
        else:
            assert got == want and repr(got) == repr(want)


def test_decoded_quotes_come_from_the_cache_as_new_lists() -> None:
    _QUOTES.clear()
    enc = [codec.quote_to(_quote("Ann Lee", "minister")), codec.quote_to(_quote(None, None))]
    first = decoded_quotes(enc)
    assert first == [codec.quote_from(q) for q in enc]
    again = decoded_quotes(list(enc))
    assert again == first and again is not first and again[0] is first[0]  # decoded once
    again.append(again[0])
    assert len(decoded_quotes(enc)) == 2  # a caller's change does not reach the cache
    assert decoded_quotes(None) == [] and decoded_quotes([]) == []
