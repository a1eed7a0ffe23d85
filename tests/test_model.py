import pytest
from hypothesis import given, strategies as st

from newstrace import Article, OffsetMap, Segment


def test_identity_map_maps_to_itself():
    m = OffsetMap.identity(10)
    assert [m.to_source(i) for i in range(11)] == list(range(11))
    assert m.is_identity


def test_removed_line_shifts_offsets_and_ends_stay_left():
    src = "HEAD\nbody one\ncaption\nbody two"
    body = "body one\nbody two"
    m = OffsetMap([Segment(0, 5, 9, 9), Segment(9, 22, 8, 8)])
    for i, ch in enumerate(body):
        assert src[m.to_source(i)] == ch
    s, e = m.span_to_source(0, 8)
    assert src[s:e] == "body one"
    s, e = m.span_to_source(9, 17)
    assert src[s:e] == "body two"


def test_pieces_must_tile():
    with pytest.raises(ValueError):
        OffsetMap([Segment(0, 0, 3, 3), Segment(4, 3, 1, 1)])


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 5)), max_size=20))
def test_roundtrip_and_monotone(pieces):
    segs, t, s = [], 0, 0
    for tlen, gap in pieces:
        s += gap
        segs.append(Segment(t, s, tlen, tlen))
        t += tlen
        s += tlen
    m = OffsetMap(segs)
    assert OffsetMap.from_list(m.to_list()) == m
    mapped = [m.to_source(i) for i in range(t)]
    assert mapped == sorted(mapped)


def test_article_from_text_has_stable_id():
    a, b = Article.from_text("x y z"), Article.from_text("x y z")
    assert a.id == b.id and len(a.id) == 16
