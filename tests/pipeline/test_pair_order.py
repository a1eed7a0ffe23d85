"""The pair stage's order: pairs by connected component, chunks cut at component borders."""

from __future__ import annotations

import random

from newstrace.pipeline.engine import _by_component, _group_chunks


def test_pairs_come_by_component_then_by_pair() -> None:
    pairs = [("a", "d"), ("b", "c"), ("c", "e"), ("d", "f"), ("g", "h"), ("a", "b"), ("x", "y")]
    order, groups = _by_component(sorted(pairs[:5]) + pairs[5:])
    # components: {a, b, c, d, e, f} (a-b, the last pair, joins a-d-f and b-c-e), {g, h}, {x, y}
    assert groups == ["a", "a", "a", "a", "a", "g", "x"]
    assert order == [("a", "b"), ("a", "d"), ("b", "c"), ("c", "e"), ("d", "f"), ("g", "h"), ("x", "y")]


def test_order_does_not_depend_on_the_input_order() -> None:
    rng = random.Random(5)
    ids = [f"n{i:03d}" for i in range(120)]
    pairs = sorted({tuple(sorted(rng.sample(ids, 2))) for _ in range(150)})
    want = _by_component(pairs)
    for _ in range(5):
        rng.shuffle(pairs)
        assert _by_component(list(pairs)) == want
    order, groups = want
    seen: set[str] = set()
    for k, g in enumerate(groups):  # a component's pairs are contiguous and it is named by its smallest id
        if k and g != groups[k - 1]:
            assert g not in seen
        seen.add(g)
        assert g <= min(order[k])


def test_chunks_cut_at_borders_within_bounds() -> None:
    groups = list("aaabbbbbbbbbbbcdddde")
    items = list(range(len(groups)))
    chunks = list(_group_chunks(items, groups, 3, 6))
    # a|b: cut at the border; b x 11: cut at the cap, then at the border; c joins d (c alone is under 3)
    assert chunks == [items[0:3], items[3:9], items[9:14], items[14:19], items[19:]]
    assert list(_group_chunks([], [], 3, 6)) == []
