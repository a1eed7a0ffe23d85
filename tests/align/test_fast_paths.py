"""The pair stage's shortcuts give what the plain computations give (hypothesis-generated inputs)."""

import numpy as np
from hypothesis import given, settings, strategies as st

from newstrace.align import extend, prepare
from newstrace.align.refine import has_block, longest_block
from newstrace.provenance.facts import _stems_of, _stems_prepared

from .texts import SENTENCES

_WORDS = "the a storm closed roads in valley on monday schools three towns stayed shut said police".split()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=25), st.lists(st.sampled_from(_WORDS), min_size=1,
       max_size=25), st.integers(2, 6))
def test_has_block_is_longest_block_at_least(x, y, n):
    a, b = prepare(" ".join(x) + "."), prepare(" ".join(y) + ".")
    for i in range(a.n_sents):
        for j in range(b.n_sents):
            assert has_block(a, i, b, j, n) == (longest_block(a, i, b, j) >= n)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=60), st.integers(0, 25),
       st.integers(0, 25), st.randoms(use_true_random=False))
def test_clustering_on_lists_is_clustering_on_arrays(cells, gap_a, gap_b, rnd):
    cells = list(cells)
    rnd.shuffle(cells)
    seeds = np.asarray(cells, dtype=np.int64)
    small = extend._cluster_list(seeds.tolist(), gap_a, gap_b)
    old, extend.SMALL_SEEDS = extend.SMALL_SEEDS, 0
    try:
        big = extend.cluster_seeds(seeds, gap_a, gap_b)
    finally:
        extend.SMALL_SEEDS = old
    assert len(small) == len(big)
    assert all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(small, big))


def _sets(s):
    names = {k: t for t, k in s.index.items()}
    return s.spans, [frozenset(names[k] for k in np.flatnonzero(row)) for row in s.has], s.size.tolist()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab cD.\n\n,“”'’-1!?")), max_size=200))
def test_sentence_stems_from_prepared_text(t):
    got = _stems_prepared(prepare(t))
    assert got is None or _sets(got) == _sets(_stems_of(t))


def test_sentence_stems_from_prepared_news_text():
    t = " ".join(SENTENCES[:6]) + "\nA second line.\n\nMr. Vandermeer said: “We will look at it.”"
    assert _sets(_stems_prepared(prepare(t))) == _sets(_stems_of(t))


def _similarity_plain(a, b):
    """sentence_similarity as first written: term by term over the stems of each sentence."""
    from collections import Counter

    df = Counter()
    for ts in a.sent_terms + b.sent_terms:
        df.update(set(ts))
    n = max(1, a.n_sents + b.n_sents)
    idf = {t: float(np.log(n / c)) + 1e-3 for t, c in df.items()}
    shared = sorted(set().union(*map(set, a.sent_terms)) & set().union(*map(set, b.sent_terms)))
    vocab = {t: k for k, t in enumerate(shared)}

    def counts(terms):
        m = np.zeros((len(terms), len(vocab)), dtype=np.float32)
        for i, ts in enumerate(terms):
            for t in ts:
                if t in vocab:
                    m[i, vocab[t]] += 1.0
        return m

    def norms(terms):
        return np.asarray([np.sqrt(sum((idf[t] * c) ** 2 for t, c in Counter(ts).items())) for ts in terms],
                          np.float32)

    w = np.asarray([idf[t] for t in shared], dtype=np.float32)
    ca, cb = counts(a.sent_terms), counts(b.sent_terms)
    cos = ((ca * w) @ (cb * w).T) / np.maximum(norms(a.sent_terms)[:, None] * norms(b.sent_terms)[None, :], 1e-9)
    la = np.asarray([len(set(ts)) for ts in a.sent_terms], np.float32)
    lb = np.asarray([len(set(ts)) for ts in b.sent_terms], np.float32)
    dice = 2 * ((ca > 0).astype(np.float32) @ (cb > 0).astype(np.float32).T) / np.maximum(
        la[:, None] + lb[None, :], 1.0)
    return cos, dice, idf


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8),
       st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8))
def test_sentence_similarity_matches_the_plain_computation(x, y):
    from newstrace.align.seeds import sentence_similarity

    a, b = prepare(" ".join(x)), prepare(" ".join(y))
    sim = sentence_similarity(a, b)
    cos, dice, idf = _similarity_plain(a, b)
    assert np.array_equal(sim.cos, cos) and np.array_equal(sim.dice, dice) and sim.idf == idf
