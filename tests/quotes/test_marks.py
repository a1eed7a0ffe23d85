"""Quote-mark pairing on invented sentences."""

from newstrace.quotes.marks import depth_array, quote_regions


def spans(text):
    return [(text[r.start : r.end], r.depth, r.closed) for r in quote_regions(text)]


def test_curly_and_straight():
    t = 'She said “we are ready” and later "we are not."'
    assert spans(t) == [("“we are ready”", 1, True), ('"we are not."', 1, True)]


def test_apostrophe_inside_quote_is_not_a_mark():
    t = "“It’s the farmers’ harvest, and we don't waste it,” the mayor said."
    assert spans(t) == [("“It’s the farmers’ harvest, and we don't waste it,”", 1, True)]


def test_quote_of_a_quote():
    t = "“He told me ‘never again’ before he left,” Ruiz said."
    assert spans(t) == [("“He told me ‘never again’ before he left,”", 1, True), ("‘never again’", 2, True)]


def test_straight_nested_single():
    t = "\"The sign read 'closed for winter' all week,\" a neighbour said."
    assert [d for _, d, _ in spans(t)] == [1, 2]


def test_multi_paragraph_quote_continues():
    t = "“The river rose overnight.\n\n“By dawn the bridge was gone,” the warden said."
    rs = quote_regions(t)
    assert rs[0].end == t.index("\n") and rs[0].closed  # continued by the next paragraph's opening mark
    assert t[rs[1].start : rs[1].end] == "“By dawn the bridge was gone,”"


def test_unbalanced_mark_ends_at_paragraph():
    t = "The council called it “a disgrace and moved on.\nNext item: budgets."
    (r,) = quote_regions(t)
    assert not r.closed and r.end == t.index("\n")
    depth = depth_array(t)
    assert depth[t.index("Next")] == 0 and depth[t.index("disgrace")] == 1
