from newstrace.align import prepare
from newstrace.align.segments import segments

A = ("The harbour authority closed the northern pier on Tuesday after a crane collapsed. "
     "Mayor Ilse Vandermeer called the collapse “a warning we cannot ignore” and promised a full inquiry. "
     "The minister vowed to honour the pledge made by her predecessor, Karel Dobbs, and keep funding the clinics. "
     "“We will rebuild the pier before the first storms of winter, whatever it costs,” the mayor told reporters.")
B = ("A crane collapse led the harbour authority to shut the northern pier on Tuesday. "
     "Vandermeer described it as “a warning we cannot ignore” and announced an inquiry. "
     "The minister also promised to carry out the wishes of her predecessor Karel Dobbs on clinic funding. "
     "“We will rebuild the pier before the first storms of winter, whatever it costs,” she said.")


def _pairs():
    return [(A[p.a_start : p.a_end], B[p.b_start : p.b_end], p.kind) for p in segments(prepare(A), prepare(B))]


def test_shared_quotations_are_verbatim():
    got = _pairs()
    verbatim = [(x, y) for x, y, k in got if k == "verbatim"]
    assert any("a warning we cannot ignore" in x and "a warning we cannot ignore" in y for x, y in verbatim)
    assert any("whatever it costs" in x and "whatever it costs" in y for x, y in verbatim)
    for x, y in verbatim:
        assert x.lower().strip("“”,. ") == y.lower().strip("“”,. ")


def test_reworded_sentences_are_paraphrases():
    got = _pairs()
    para = [(x, y) for x, y, k in got if k == "paraphrase"]
    assert any(x.startswith("The minister vowed") and y.startswith("The minister also promised") for x, y in para)
    assert len(para) >= 2


def test_segments_lie_inside_the_texts_and_do_not_both_overlap():
    ps = segments(prepare(A), prepare(B))
    for p in ps:
        assert 0 <= p.a_start < p.a_end <= len(A) and 0 <= p.b_start < p.b_end <= len(B)
    for i, p in enumerate(ps):
        for q in ps[i + 1 :]:
            both = (min(p.a_end, q.a_end) > max(p.a_start, q.a_start)
                    and min(p.b_end, q.b_end) > max(p.b_start, q.b_start))
            assert not both


from hypothesis import given, settings, strategies as st  # noqa: E402

from .texts import SENTENCES  # noqa: E402

QUOTES = ["“We will rebuild the pier before winter,” the mayor said.", "“Nobody saw it coming,” a fisherman said."]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, len(SENTENCES) + len(QUOTES) - 1), min_size=2, max_size=8),
       st.lists(st.integers(0, len(SENTENCES) + len(QUOTES) - 1), min_size=2, max_size=8),
       st.sampled_from([" ", "\n", "\n\n"]))
def test_segments_offsets_and_verbatim_invariants(ia, ib, sep):
    pool = SENTENCES + QUOTES
    a, b = sep.join(pool[i] for i in ia), sep.join(pool[i] for i in ib)
    for p in segments(prepare(a), prepare(b)):
        assert 0 <= p.a_start < p.a_end <= len(a) and 0 <= p.b_start < p.b_end <= len(b)
        assert 0.0 <= p.similarity <= 1.0
        if p.kind == "verbatim":
            norm = lambda s: " ".join(prepare(s).word_norm)  # noqa: E731
            assert norm(a[p.a_start : p.a_end]) == norm(b[p.b_start : p.b_end])
