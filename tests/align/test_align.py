import random

from hypothesis import given, settings, strategies as st

from newstrace.align import align_texts

from .texts import PARAPHRASES, SENTENCES, text


def _covered(p_start, p_end, start, end):
    return max(0, min(p_end, end) - max(p_start, start)) / (end - start)


def test_verbatim_passage_found_with_exact_offsets():
    copied = text([0, 1, 2, 3])
    a = text([9, 10, 11]) + " " + copied + " " + text([12, 13])
    b = text([14, 15]) + " " + copied + " " + text([16, 17, 18])
    (p,) = align_texts(a, b)
    assert p.kind == "verbatim"
    assert a[p.a_start : p.a_end] == copied
    assert b[p.b_start : p.b_end] == copied
    assert p.similarity == 1.0


def test_unrelated_texts_share_nothing():
    assert align_texts(text([0, 1, 2, 3, 4]), text([12, 13, 14, 15, 16, 17])) == []


def test_reordered_passages_are_found_separately():
    p1, p2 = text([0, 1, 2]), text([12, 13, 14])
    a = text([5]) + " " + p1 + " " + text([6, 7, 8, 9, 10, 11]) + " " + p2
    b = p2 + " " + text([15, 16, 17, 18, 19]) + " " + p1
    found = align_texts(a, b)
    assert len(found) == 2
    spans = sorted((a[p.a_start : p.a_end], b[p.b_start : p.b_end]) for p in found)
    assert spans == sorted([(p1, p1), (p2, p2)])


def test_edited_passage_is_edited():
    orig = text([0, 1, 2, 3])
    edit = (orig.replace("Tuesday morning", "Tuesday").replace("several hours", "hours")
            .replace("said", "stated"))
    (p,) = align_texts(text([10, 11]) + " " + orig, edit + " " + text([18]))
    assert p.kind == "edited"
    assert 0.6 <= p.similarity < 1.0


def test_paraphrased_sentences_align_as_paraphrase():
    a = " ".join(x for x, _ in PARAPHRASES) + " " + text([0, 1])
    b = " ".join(y for _, y in PARAPHRASES) + " " + text([0, 1])
    found = align_texts(a, b, min_chars=10)
    assert found and found[0].a_start == 0 and found[0].b_start == 0
    assert found[0].a_end == len(a) and found[0].b_end == len(b)


def test_summary_reaches_across_the_long_text():
    long = text(list(range(20)))
    short = ("A collapsed crane made the harbour authority close its northern pier. "
             "The opening parade of the festival moves to the old market square, organisers said. "
             "Households must stop watering their gardens, says the water company, until reservoirs recover. "
             "Copper cable was stolen from signal boxes and police arrested two men.")
    found = align_texts(short, long)
    assert found
    p = max(found, key=lambda p: p.b_end - p.b_start)
    assert p.kind == "paraphrase"
    assert (p.b_start, p.b_end) == (0, len(long))  # a summary condenses the whole text


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, len(SENTENCES) - 1), min_size=3, max_size=5, unique=True),
       st.integers(0, 2**31 - 1))
def test_planted_copy_is_found_and_offsets_are_valid(block, seed):
    rng = random.Random(seed)
    rest = [i for i in range(len(SENTENCES)) if i not in block]
    rng.shuffle(rest)
    copied = text(block)
    a = text(rest[:4]) + " " + copied + " " + text(rest[4:7])
    b = text(rest[7:9]) + "\n\n" + copied + "\n" + text(rest[9:12])
    found = align_texts(a, b)
    for p in found:
        assert 0 <= p.a_start < p.a_end <= len(a) and 0 <= p.b_start < p.b_end <= len(b)
        assert 0.0 <= p.similarity <= 1.0
    a0, b0 = a.index(copied), b.index(copied)
    best = max(found, key=lambda p: _covered(p.a_start, p.a_end, a0, a0 + len(copied)))
    assert _covered(best.a_start, best.a_end, a0, a0 + len(copied)) > 0.95
    assert _covered(best.b_start, best.b_end, b0, b0 + len(copied)) > 0.95
