"""The numpy/numba CRF inference gives what pycrfsuite gives on the shipped model: same state scores, labels and
marginals, and the same spans from the tagger."""

import numpy as np
import pytest

from newstrace.quotes import tagger
from newstrace.quotes.crf import LinearCRF, numba_available
from newstrace.quotes.features import featurize, tokenize

TEXTS = [
    '"We will reopen the bridge by Friday," said Mara Quillon, the county engineer. "Not a day later."',
    "The mayor told reporters on Tuesday that the budget would shrink, according to the Valley Courier.",
    "Officials declined to comment. A spokesman for the port authority said: 'It's under review.'",
    "Nobody spoke.",
    "",
    '“Unbalanced quote with no end, the farmer said, and then the rain came',
]


def _both(text):
    toks = tokenize(text)
    crf = tagger._crf()
    t = tagger._tagger()
    feats = featurize(text, toks)
    return toks, crf, t, feats


@pytest.mark.parametrize("text", TEXTS)
def test_same_scores_labels_and_marginals_as_pycrfsuite(text):
    toks, crf, t, feats = _both(text)
    em = tagger.emissions(text, toks)
    assert np.allclose(em, crf.emissions(feats), atol=1e-9)  # word-type rows + place features == all strings
    if not toks:
        return
    assert [crf.labels[k] for k in crf.viterbi(em)] == t.tag(feats)
    marg = crf.marginals(em)
    for i in range(len(toks)):
        for j, y in enumerate(crf.labels):
            assert abs(marg[i, j] - t.marginal(y, i)) < 1e-9


def test_model_reader_matches_the_dump():
    crf = tagger._crf()
    t = tagger._tagger()
    assert set(crf.labels) == set(t.labels())
    assert crf.state.shape == (len(crf.index) + 1, len(crf.labels))
    assert not crf.state[-1].any()  # the row of unknown attributes adds nothing
    with pytest.raises(ValueError):
        LinearCRF.from_crfsuite(b"not a model" * 10)


def test_tag_spans_equal_on_both_paths(monkeypatch):
    fast = [tagger.tag_spans(x) for x in TEXTS]
    monkeypatch.setattr(tagger, "numba_available", lambda: False)
    assert [tagger.tag_spans(x) for x in TEXTS] == fast
    assert numba_available()  # numba is a dependency: the fast path is the one in use


@pytest.mark.shared
def test_same_labels_on_polnear_dev(shared_data):
    from newstrace.quotes.brat import load_gold

    folder = shared_data / "polnear" / "dev"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    for doc in load_gold(folder)[:30]:
        toks, crf, t, feats = _both(doc.text)
        em = tagger.emissions(doc.text, toks)
        assert np.allclose(em, crf.emissions(feats), atol=1e-9)
        assert [crf.labels[k] for k in crf.viterbi(em)] == t.tag(feats)


def test_decompressed_weights_are_cached_checked_and_rebuilt(tmp_path, monkeypatch):
    import lzma

    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWSTRACE_CACHE", str(cache))
    model = tmp_path / "tiny.crfsuite.xz"
    model.write_bytes(lzma.compress(b"weights " * 1000))
    assert tagger.model_bytes(model) == b"weights " * 1000
    (copy,) = cache.glob("tiny.crfsuite-*.crfsuite")
    assert copy.read_bytes() == b"weights " * 1000
    copy.write_bytes(b"damaged")  # a copy that does not match its hash is not used, and is written again
    assert tagger.model_bytes(model) == b"weights " * 1000
    assert copy.read_bytes() == b"weights " * 1000
    model.write_bytes(lzma.compress(b"other"))  # new weights: a new copy beside the old one
    assert tagger.model_bytes(model) == b"other"
    assert len(list(cache.glob("tiny.crfsuite-*.crfsuite"))) == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("NEWSTRACE_CACHE", str(blocker / "sub"))  # cannot be made: no cache, same bytes
    assert tagger.model_bytes(model) == b"other"
    raw = tmp_path / "plain.crfsuite"
    raw.write_bytes(b"raw")
    assert tagger.model_bytes(raw) == b"raw"


def test_the_cache_keeps_only_the_newest_copies(tmp_path, monkeypatch):
    import lzma
    import os

    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWSTRACE_CACHE", str(cache))
    model = tmp_path / "tiny.crfsuite.xz"
    for i in range(tagger.CACHE_KEEP + 2):  # a new model each time: a new copy; beyond the limit the oldest go
        for f in cache.glob("tiny.crfsuite-*.crfsuite"):  # copy of version k written at time 1000 + k
            os.utime(f, (1000 + int(f.read_bytes()[1:]),) * 2)
        model.write_bytes(lzma.compress(b"v%d" % i))
        assert tagger.model_bytes(model) == b"v%d" % i
    kept = sorted(int(f.read_bytes()[1:]) for f in cache.glob("tiny.crfsuite-*.crfsuite"))
    n = tagger.CACHE_KEEP + 2
    assert kept == list(range(n - tagger.CACHE_KEEP, n))


def test_no_home_directory_means_no_cache_not_an_error(tmp_path, monkeypatch):
    import lzma
    from pathlib import Path

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("NEWSTRACE_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert tagger._cache_dir() is None
    model = tmp_path / "tiny.crfsuite.xz"
    model.write_bytes(lzma.compress(b"w"))
    assert tagger.model_bytes(model) == b"w"


def test_word_type_rows_give_the_same_scores_whether_the_table_fills_or_starts_again(monkeypatch):
    """The type table adds only a document's new words; when it would outgrow MAX_TYPES it starts again. Either
    way a document's static scores are those of a table that saw only that document."""
    docs = [TEXTS[0], TEXTS[1], TEXTS[0] + " " + TEXTS[2], TEXTS[3], TEXTS[2], TEXTS[5] + " Mara Quillon said."]
    small = tagger._TypeScores(tagger._crf())
    monkeypatch.setattr(small, "MAX_TYPES", 40)  # a few documents' words: it starts again now and then
    big = tagger._TypeScores(tagger._crf())
    resets = 0
    for d in docs * 3:
        words = [d[s:e] for s, e in tokenize(d)]
        before = small.n
        got_small, got_big = small.static(small.words(words)), big.static(big.words(words))
        resets += small.n < before
        alone = tagger._TypeScores(tagger._crf())
        want = alone.static(alone.words(words))
        assert np.array_equal(got_small, want) and np.array_equal(got_big, want)
        assert [small.lows[i] for i in small.words(words)] == [w.lower() for w in words]
    assert resets > 0


class _Everything:
    def __contains__(self, item):
        return True


def test_words_the_model_never_saw_as_a_neighbour_get_the_same_rows():
    """A word type the model knows in no neighbour attribute gets zero neighbour rows without its feature strings
    being made: the table equals one that looked every neighbour attribute up."""
    words = [w for t in TEXTS for w in (t[s:e] for s, e in tokenize(t))]
    words += ["Qxzlorp", "2,718,281", "zzyzx-ville", "said", "told", "according", "Mr", "’s", "the", "“"]
    fast = tagger._TypeScores(tagger._crf())
    slow = tagger._TypeScores(tagger._crf())
    slow.ctx_words = _Everything()  # every word takes the path that looks its six neighbour attributes up
    rf, rs = fast.words(words), slow.words(words)
    assert np.array_equal(fast.table[rf], slow.table[rs]) and np.array_equal(fast.codes[:, rf], slow.codes[:, rs])
    skipped = [w for w in set(words) if w.lower() not in fast.ctx_words and tagger.F.cue_class(w) is None]
    assert len(skipped) >= 3  # the fast path was taken


def _spans_on_strings(text, crf, em, starts, ends, th):
    """The tagger's spans the plain way: label strings, :func:`tagger._biased`, :func:`tagger.decode`."""
    toks = list(zip(starts.tolist(), ends.tolist()))
    labels = [crf.labels[k] for k in crf.viterbi(em).tolist()]
    if th > 0.5:
        labels = tagger._biased(crf.marginals(em)[:, [crf.labels.index(y) for y in tagger.LABELS]], labels, th)
    return tagger.decode(toks, labels)


def test_compiled_decoding_gives_the_spans_of_the_string_path():
    """Bias and BIO decoding on label indices (compiled) equal the string functions, at the shipped threshold
    and others, on texts and on random emission scores (every label next to every other)."""
    from newstrace.scan import scan

    crf = tagger._crf()
    roles, begins, order = tagger._label_codes(crf.labels)
    rng = np.random.default_rng(4)
    cases = []
    for text in TEXTS:
        starts, ends, _ = scan(text)
        if len(starts):
            cases.append((text, tagger.emissions(text, list(zip(starts.tolist(), ends.tolist()))), starts, ends))
    for n in (1, 2, 5, 40, 200):
        text = "w " * n
        starts, ends, _ = scan(text)
        cases.append((text, rng.normal(0, 3, (n, len(crf.labels))), starts, ends))
    for text, em, starts, ends in cases:
        for th in (0.5, 0.65, 0.9, 1.01):
            marg = crf.marginals(em) if th > 0.5 else em[:0]
            out = np.empty((len(em), 3), np.int64)
            k = tagger._decode_codes(crf.viterbi(em), marg, th, roles, begins, order, starts, ends, out)
            got = [(tagger._ROLE_NAMES[r], a, b) for r, a, b in out[:k].tolist()]
            assert got == _spans_on_strings(text, crf, em, starts, ends, th)
