import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from newstrace.candidates import CandidateSettings, candidate_pairs, candidate_pairs_numpy
from newstrace.errors import ConfigError
from newstrace.fingerprint import content_words, fingerprint, postings

from align.texts import SENTENCES, text

PASSAGE = ("Engineers from the port company said the crane had passed an inspection only last month, "
           "while a spokesman for the dockworkers union blamed years of cuts to the maintenance budget.")


def test_fingerprint_is_sorted_unique_and_matches_postings():
    fp = fingerprint(PASSAGE)
    assert fp.dtype == np.uint64 and len(fp) == len(np.unique(fp))
    p = postings([PASSAGE, SENTENCES[0]])
    assert np.array_equal(np.sort(p.hash[p.doc == 0].view(np.uint64)), np.sort(fp))
    full = fingerprint(PASSAGE, sample=1)
    assert len(full) == len(content_words(PASSAGE)) - 2
    assert set(fp.tolist()) <= set(full.tolist()) and all(h % 2 == 0 for h in fp.tolist())


def test_ngrams_do_not_straddle_texts():
    words = "alpha beta gamma delta".split()
    p = postings([" ".join(words[:2]), " ".join(words[2:])])
    assert len(p) == 0


def test_short_passage_inside_long_article_is_a_candidate():
    long_host = text(list(range(0, 18))) + " " + PASSAGE + " " + text([18, 19])
    short_host = "Harbour news. " + PASSAGE
    unrelated = "The village choir rehearsed new hymns for the autumn concert in the chapel of Saint Bavo."
    c = candidate_pairs(postings([long_host, unrelated, short_host]))
    assert c.pairs() == {(0, 2)}
    assert c.containment[0] > 0.5  # most of the short text's n-grams are in the long one


def test_frequent_ngrams_are_dropped():
    boiler = "Subscribe to our newsletter for daily updates from the harbour desk editors. "
    texts = [boiler + s for s in SENTENCES]
    assert len(candidate_pairs(postings(texts), CandidateSettings(max_df=5))) == 0
    assert len(candidate_pairs(postings(texts), CandidateSettings(max_df=50))) == len(texts) * (len(texts) - 1) // 2


def test_settings_are_checked():
    with pytest.raises(ConfigError):
        CandidateSettings(min_shared=0)
    with pytest.raises(ConfigError):
        CandidateSettings(max_df=1)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, len(SENTENCES) - 1), min_size=1, max_size=4), min_size=1, max_size=12),
       st.integers(1, 3), st.integers(2, 6))
def test_duckdb_and_numpy_paths_agree(docs, min_shared, max_df):
    p = postings([text(d) for d in docs])
    s = CandidateSettings(min_shared=min_shared, max_df=max_df)
    x, y = candidate_pairs(p, s), candidate_pairs_numpy(p, s)
    assert x.pairs() == y.pairs()
    key = lambda c: sorted(zip(c.a.tolist(), c.b.tolist(), c.shared.tolist()))
    assert key(x) == key(y)
    assert all(a < b for a, b in x.pairs())
