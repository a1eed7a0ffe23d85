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


def _plain(t):
    """Words, lower-cased forms, stems and content flags worked out plainly from WORD_RE's matches."""
    from newstrace.tokens import STOPWORDS, WORD_RE, stem

    ms = list(WORD_RE.finditer(t))
    norms = [m.group().lower() for m in ms]
    return ([m.span() for m in ms], norms, [stem(w) for w in norms],
            [w not in STOPWORDS and (len(w) > 1 or w.isdigit()) for w in norms])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["The", "the", "Ölçek", "U.S.-led", "don’t", "x", "7", "٣٤", "a_b", "said", "SAID",
                                 "runs", "Running", " ", "  ", ", ", ".\n", "\n\n", "—", "'", "’"]), max_size=40))
def test_prepare_words_are_word_re_matches_with_their_forms(pieces):
    t = "".join(pieces)
    p = prepare(t)
    spans, norms, stems, content = _plain(t)
    assert [tuple(x) for x in p.word_spans.tolist()] == spans
    assert list(p.word_norm) == norms and list(p.word_stem) == stems and p.content.tolist() == content


def test_prepare_gives_the_same_words_when_its_type_table_starts_again(monkeypatch):
    from newstrace.align import prep

    monkeypatch.setattr(prep, "_TYPES", prep._WordTypes())
    monkeypatch.setattr(prep._TYPES, "MAX_TYPES", 12)
    resets = []
    reset = prep._TYPES._reset
    monkeypatch.setattr(prep._TYPES, "_reset", lambda: (resets.append(1), reset()))
    for t in SENTENCES * 2:
        p = prepare(t)
        _, norms, stems, content = _plain(t)
        assert list(p.word_norm) == norms and list(p.word_stem) == stems and p.content.tolist() == content
    assert len(resets) >= 2
