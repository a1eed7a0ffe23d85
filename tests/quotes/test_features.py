"""The tagger's place features: what they say about an invented text, and the integer-coded path the tagger
uses gives the same weights as the feature strings used in training."""

import pytest
import numpy as np

from newstrace.quotes import tagger
from newstrace.quotes.crf import IntMap
from newstrace.quotes.features import featurize, tokenize

TEXT = "Intro line.\n“Émile Zola said: it rains,” he noted.\nThe end"


def _place(text):
    toks = tokenize(text)
    keep = ("nc=", "mrc=", "qm=", "rc=", "sent=", "q=", "pos=", "caprun=", "bos", "eos", "par", "colon")
    return {text[s:e] + f"@{s}": {x for x in f if x.startswith(keep)} for (s, e), f in zip(toks, featurize(text, toks))}


def test_place_features_of_an_invented_paragraph():
    f = _place(TEXT)
    assert {"bos", "par", "caprun=in", "sent=1", "rc=n"} <= f["Intro@0"]
    assert "eos" in f[".@10"]
    # the quote opens a paragraph; the name before "said" is a capitalised run ending at a cue (non-ASCII capital)
    assert {"par", "bos", "q=1", "qm=c", "sent=5q:"} <= f["“@12"]
    assert {"caprun=cue", "rc=b2", "nc=bsaid"} <= f["Émile@13"]
    assert {"caprun=cue", "rc=b1"} <= f["Zola@19"]
    assert {"rc=c", "mrc=c"} <= f["said@24"]
    assert "colon" not in f[":@28"] and "colon" in f["it@30"]  # a colon earlier in the sentence
    assert {"q=0", "rc=b1", "nc=bnote"} <= f["he@41"]
    assert {"par", "bos", "caprun=in", "pos=0"} <= f["The@51"] and "colon" not in f["The@51"]


def test_coded_emissions_equal_the_feature_strings():
    crf = tagger._crf()
    for text in (TEXT, "", "x", ":", "\n\n“", 'He said: "a|b" and |x| and wrc=1|n.', "ÉCOLE Über said “A”\n'B'"):
        toks = tokenize(text)
        em = tagger.emissions(text, toks)
        assert em.shape == (len(toks), len(crf.labels))
        assert np.allclose(em, crf.emissions(featurize(text, toks)), atol=1e-9)


def test_intmap_gives_values_of_present_keys_only():
    rng = np.random.default_rng(5)
    keys = np.unique(rng.integers(0, 10**12, 50_000))
    vals = rng.integers(0, 10**6, len(keys))
    m = IntMap(keys, vals, -1)
    probe = np.concatenate([keys[::7], rng.integers(0, 10**12, 5_000), [-3]])
    want = dict(zip(keys.tolist(), vals.tolist()))
    assert m.get(probe).tolist() == [want.get(k, -1) for k in probe.tolist()]
    assert IntMap(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 9).get(np.array([0, 5])).tolist() == [9, 9]


def test_place_tables_from_the_cache_equal_the_built_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSTRACE_CACHE", str(tmp_path))
    text = TEXT + ' The mayor told reporters: "It is done."'
    toks = tokenize(text)
    want = tagger.emissions(text, toks)
    tagger._place_weights.cache_clear()
    try:
        built = tagger._place_weights()  # built, then written to the cache
        (saved,) = tmp_path.glob("place-*.npz")
        tagger._place_weights.cache_clear()
        loaded = tagger._place_weights()
        assert loaded is not built and loaded.words == built.words and loaded.nc == built.nc
        assert np.array_equal(tagger.emissions(text, toks), want)
        saved.write_bytes(saved.read_bytes()[:1000])  # damaged: built again, and the copy mended
        tagger._place_weights.cache_clear()
        assert np.array_equal(tagger.emissions(text, toks), want)
        assert tagger._PlaceWeights.from_npz(tagger._crf(), saved.read_bytes()).m == built.m
    finally:
        tagger._place_weights.cache_clear()


@pytest.mark.parametrize("word", ["McCain", "2024", "1,000.5", "aaa", "AAAbbb", "x²", "٣٤5", "２０２４", "é", "Ⅻ",
                                  "U.S.", "co-op", "’s", "iPhone15", "zzzzzzzzzz", "-"])
def test_shape_is_the_run_cut_translation(word):
    """_shape's cached form is what the regexes give: capitals X, small letters x, any digit d, runs cut to two."""
    import re

    from newstrace.quotes.features import _shape

    s = "".join("X" if "A" <= c <= "Z" else "x" if "a" <= c <= "z" else c for c in word)
    s = re.sub(r"\d", "d", s)
    assert _shape(word) == re.sub(r"(.)\1+", r"\1\1", s)[:6]
    assert _shape(word) == _shape(word)  # (the second answer comes from the cache)
