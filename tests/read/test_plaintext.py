import datetime as dt

from hypothesis import given, settings, strategies as st

from newstrace.read.plaintext import parse_plain


def assert_maps_back(source, p):
    for i, ch in enumerate(p.text):
        s = p.offsets.to_source(i) if p.offsets else i
        assert source[s] == ch, (i, ch, s)


def test_headline_then_blank_line_becomes_title():
    src = "Dockers walk out at Kelmarsh\n\nDock workers walked out on Friday over pay, the union said.\n"
    p = parse_plain(src)
    assert p.title == "Dockers walk out at Kelmarsh"
    assert p.text == "Dock workers walked out on Friday over pay, the union said."
    assert p.extras["headline"] == [{"text": "Dockers walk out at Kelmarsh", "start": 0, "end": 28}]
    assert_maps_back(src, p)


def test_headline_with_sub_headline_line_keeps_the_dek_in_the_body():
    src = "Ferry fares rise; \nOperator blames fuel costs for the increase.\n\nFares on the island route will rise.\n"
    p = parse_plain(src)
    assert p.title == "Ferry fares rise;"
    assert p.text.startswith("Operator blames fuel costs")
    assert_maps_back(src, p)


def test_metadata_lines_under_headline():
    src = "Quay fire\nSource: Example Wire\nDate: 2025-03-11\nURL: https://wire.example/a\n\nA fire broke out.\n\nMore.\n"
    p = parse_plain(src)
    assert (p.title, p.outlet, p.published, p.url) == ("Quay fire", "Example Wire", dt.date(2025, 3, 11),
                                                       "https://wire.example/a")
    assert p.text == "A fire broke out.\n\nMore."
    assert [m["text"] for m in p.extras["metadata"]] == ["Source: Example Wire", "Date: 2025-03-11",
                                                         "URL: https://wire.example/a"]
    assert_maps_back(src, p)


def test_inline_date_prefix_leaves_the_rest_of_the_line_in_the_body():
    src = " date 2021-05-20 The harbour master on Thursday said the channel was clear of debris and open.\n\nMore."
    p = parse_plain(src)
    assert p.published == dt.date(2021, 5, 20)
    assert p.title is None
    assert p.text.startswith("The harbour master on Thursday")
    assert p.extras["metadata"][0] == {"text": "date 2021-05-20", "start": 1, "end": 16}
    assert_maps_back(src, p)


def test_caption_block_leaves_the_body_and_is_recorded():
    src = ("Crane collapses at quay\n\nA short standfirst about the collapse.\n\n"
           "Jane Roe at the quay (photo credit: Harbour Images)\nJane Roe at the quay\n(photo credit: Harbour Images)\n"
           "A crane collapsed on the quay on Monday, injuring nobody, officials said in a statement.\n"
           "Work resumed in the afternoon.\n")
    p = parse_plain(src)
    assert "photo credit" not in p.text and "Jane Roe at the quay" not in p.text
    assert p.text.startswith("A short standfirst about the collapse.\n\nA crane collapsed")
    assert len(p.extras["captions"]) == 3
    assert [c["text"] for c in p.extras["photo_credits"]] == ["Harbour Images", "Harbour Images"]
    for c in p.extras["captions"] + p.extras["photo_credits"]:
        assert src[c["start"]:c["end"]] == c["text"]
    assert_maps_back(src, p)


def test_photo_colon_line_is_a_caption():
    src = "Title here\n\nFirst paragraph of the story, which is long enough.\nPhoto: Reuters\nSecond paragraph.\n"
    p = parse_plain(src)
    assert p.text == "First paragraph of the story, which is long enough.\nSecond paragraph."
    assert p.extras["photo_credits"][0]["text"] == "Reuters"


def test_long_first_line_is_not_a_headline():
    first = "The council voted on Tuesday to close the old swimming baths, " * 4
    p = parse_plain(first + "\n\nSecond paragraph.")
    assert p.title is None and p.text.startswith("The council voted")


def test_single_paragraph_has_no_headline():
    p = parse_plain("Only one short line.\n")
    assert p.title is None and p.text == "Only one short line."


def test_title_hint_peels_a_repeated_headline():
    p = parse_plain("Quay fire\nA fire broke out.", headers=False, title="Quay fire")
    assert p.text == "A fire broke out." and p.offsets.to_source(0) == 10


LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(LINE, st.just(""), st.just("(photo credit: X)"), st.just("Date: 2020-01-02"),
                          st.just(" date 2020-01-02 Body")), max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_every_body_character_maps_back_to_the_source(lines, nl):
    src = nl.join(lines)
    p = parse_plain(src, repair=False)
    assert_maps_back(src, p)
    assert p.text == p.text.strip()
    repaired = parse_plain(src)  # mojibake repair rewrites pieces: offsets stay ordered and inside the source
    ends = [repaired.offsets.to_source(i) if repaired.offsets else i for i in range(len(repaired.text) + 1)]
    assert ends == sorted(ends) and all(0 <= e <= len(src) for e in ends)
