from hypothesis import given, settings, strategies as st

from newstrace.align import prepare

from .texts import SENTENCES


def test_prepare_offsets_point_into_text():
    t = SENTENCES[0] + "\n" + SENTENCES[1] + "\n\n" + SENTENCES[2]
    p = prepare(t)
    assert p.n_sents == 3  # a single line break inside running text does not matter; here each is a sentence
    for (s, e), (w0, w1) in zip(p.sent_spans, p.sent_words):
        assert t[s:e].strip() == t[s:e]
        assert all(s <= p.word_spans[k, 0] < p.word_spans[k, 1] <= e for k in range(w0, w1))
    assert [t[s:e].lower() for s, e in p.word_spans] == list(p.word_norm)


def test_short_sentences_join_the_next():
    p = prepare("Yes. " + SENTENCES[0])
    assert p.n_sents == 1
    assert p.sent_spans[0, 0] == 0


def test_soft_line_breaks_do_not_split_sentences():
    t = "The harbour authority closed\nthe northern pier after a crane collapsed."
    assert prepare(t).n_sents == 1


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab cD.\n\n,“”'’-1")), max_size=200))
def test_prepare_never_breaks_offsets(t):
    p = prepare(t)
    assert len(p.word_spans) == len(p.word_norm) == len(p.word_stem) == len(p.content)
    for s, e in p.sent_spans:
        assert 0 <= s < e <= len(t)
    for w0, w1 in p.sent_words:
        assert 0 <= w0 <= w1 <= len(p.word_spans)
    if p.n_sents:
        assert all(p.sent_words[k, 1] <= p.sent_words[k + 1, 0] for k in range(p.n_sents - 1))
