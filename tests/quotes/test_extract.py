"""Attributions in invented articles: every construction, and the tricky ones."""

import pytest

import newstrace
from newstrace.model import Article, Segment, OffsetMap, Origin
from newstrace.quotes import quotes

ARTICLE = """Harbour town vows "we will rebuild" after storm

The storm destroyed the old pier on Tuesday, according to harbour master Ana Ruiz.
"We lost forty boats in one night," Ruiz said. "Nobody here has seen anything like it."
She told the Coastal Gazette that the town would ask the province for emergency funds.
Mayor Luis Ortega said the repairs would take at least a year.
"It's the fishermen's livelihood," Ortega added, "and we won't abandon them."
In a letter to Premier Dana Holt, Ortega wrote: "Every week without a pier costs us dearly."
"""


def by_content(qs, text, needle):
    hits = [q for q in qs if needle in text[q.content.start : q.content.end]]
    assert hits, f"no quote containing {needle!r}"
    return hits[0]


@pytest.fixture(scope="module")
def qs():
    return quotes(ARTICLE)


def test_direct_quote_with_named_speaker(qs):
    q = by_content(qs, ARTICLE, "We lost forty boats")
    assert q.kind == "direct" and q.name == "Ana Ruiz"
    assert ARTICLE[q.cue.start : q.cue.end] == "said"
    assert ARTICLE[q.content.start : q.content.end].startswith("\"We lost forty boats")


def test_pronoun_resolves_to_full_name_and_addressee(qs):
    q = by_content(qs, ARTICLE, "emergency funds")
    assert q.kind == "indirect" and q.name == "Ana Ruiz"
    assert ARTICLE[q.addressee.start : q.addressee.end] == "the Coastal Gazette"


def test_indirect_speech(qs):
    q = by_content(qs, ARTICLE, "repairs would take")
    assert q.kind == "indirect" and q.name == "Luis Ortega"


def test_split_quote_around_said_is_one_quote_with_apostrophes(qs):
    q = by_content(qs, ARTICLE, "fishermen's livelihood")
    assert q.name == "Luis Ortega"
    assert "abandon them" in ARTICLE[q.content.start : q.content.end]
    assert len(q.pieces) == 2 and "Ortega" not in q.words(ARTICLE)


def test_letter_addressee(qs):
    q = by_content(qs, ARTICLE, "Every week without a pier")
    assert q.name == "Luis Ortega"
    assert ARTICLE[q.addressee.start : q.addressee.end] == "Premier Dana Holt"


def test_according_to(qs):
    q = by_content(qs, ARTICLE, "destroyed the old pier")
    assert q.name == "Ana Ruiz" and ARTICLE[q.cue.start : q.cue.end].lower().startswith("according")


def test_quote_of_a_quote_and_no_speaker():
    text = "“They kept shouting ‘open the gates’ until midnight,” a witness said.\n“Open the gates.”\n"
    qs = quotes(text)
    q = by_content(qs, text, "kept shouting")
    assert q.kind == "direct" and "‘open the gates’" in text[q.content.start : q.content.end]
    assert q.name == "a witness"


def test_unbalanced_marks_do_not_crash_or_leak():
    text = "The union said “the strike goes on.\nTalks resume Monday, officials said."
    for q in quotes(text):
        assert 0 <= q.content.start < q.content.end <= len(text)


def test_empty_and_plain_text():
    assert quotes("") == []
    assert quotes("The bridge is long and grey.") == []


def test_top_level_api_and_source_offsets():
    body = "\"Prices will fall,\" Ruiz said."
    raw = "HEADLINE\n" + body
    art = Article(id="x", text=body, origin=Origin("t.txt"), offsets=OffsetMap([Segment(0, 9, len(body), len(body))]))
    (q,) = newstrace.quotes(art)
    j = q.to_json(art)
    assert raw[j["content"]["start"] : j["content"]["end"]] == j["content"]["text"]
    assert raw[j["speaker"]["start"] : j["speaker"]["end"]] == "Ruiz"


def test_headline_quote_without_speaker():
    text = "‘We will rebuild’: harbour town defiant after storm\n\nThe storm destroyed the pier on Tuesday."
    (q,) = [q for q in quotes(text) if q.content.start == 0]
    assert text[q.content.start : q.content.end] == "‘We will rebuild’"
    assert q.kind == "direct" and q.speaker is None and q.name is None


def test_standalone_quote_has_no_speaker():
    text = ("“They kept shouting ‘open the gates’ until midnight,” a witness said.\n"
            "“Open the gates now, all of them, before the water rises.”\n")
    q = by_content(quotes(text), text, "before the water rises")
    assert q.speaker is None and q.kind == "direct"


def test_mixed_quote():
    text = "The mayor said the storm was “the worst in living memory” and promised new funds.\n"
    q = by_content(quotes(text), text, "worst in living memory")
    assert q.kind == "mixed" and q.name == "The mayor"


def test_medium_as_addressee():
    text = "Ruiz wrote on Twitter that the pier would reopen by May.\n"
    q = by_content(quotes(text), text, "pier would reopen")
    assert q.kind == "indirect" and text[q.addressee.start : q.addressee.end] == "Twitter"


def test_quote_over_several_paragraphs_is_one_quote():
    text = ("“The first thing we did was count the boats. Forty were gone.\n\n"
            "“Then we started calling families, one by one, through the night,” Ruiz said.\n")
    q = by_content(quotes(text), text, "count the boats")
    assert q.name == "Ruiz" and q.kind == "direct"
    assert text[q.content.start : q.content.end].endswith("through the night,”")


@pytest.mark.parametrize("end", [" to pledge", ", to pledge"])  # the tagger's span with or without its comma
def test_appositive_of_an_addressee_is_not_a_source(end):
    from newstrace.quotes.extract import _repair

    text = ("Gen. Ana Ruiz wrote in a letter to Luis Ortega, the commander of the northern brigade, to pledge "
            "support, saying the war \"has entered a new phase.\"")
    app = text.index("the commander")
    spans = [("Source", 0, 13), ("Cue", 14, 19), ("Source", app, text.index(end)),
             ("Content", text.index("the war"), len(text))]
    roles = [(r, text[s:e]) for r, s, e in _repair(text, spans, [])]
    assert ("Source", "Gen. Ana Ruiz") in roles
    assert not any(r == "Source" and t.startswith("the commander") for r, t in roles)


def test_quote_after_its_attribution_continues_the_content():
    from newstrace.quotes.extract import _continue_quotes
    from newstrace.quotes.marks import quote_regions

    text = 'Intro.\n"We lost the pier," said Ruiz. "Nobody has seen anything like it."\nNext paragraph.'
    a, b = text.index('"We'), text.index(' said')
    spans = [("Content", a, b), ("Cue", b + 1, b + 5), ("Content", text.index('"Nobody'), text.index("\nNext"))]
    out = _continue_quotes(text, spans, quote_regions(text))
    assert ("Content", a, text.index("\nNext")) in out
    assert ("Source", text.index("Ruiz"), text.index("Ruiz") + 4) in out
    assert len([r for r, _, _ in out if r == "Content"]) == 1


ADDRESSED = ["Ruiz told reporters the pier would reopen.", "Ruiz tells the Harbour Board it will.",
             "She is telling Mayor Luis Ortega so.", "He informed the Premier of Ontario of it.",
             "Ruiz wrote to Dana Holt at once.", "He said to journalists that it would.",
             "She spoke to the Coastal Gazette on Monday.", "In a letter to Premier Dana Holt, Ortega wrote:",
             "a call with Luis Ortega", "an interview with Gen. al-Rashid", "She posted on Facebook that",
             "said on television that", "he said on X that", "she said in a speech that", "in an op-ed yesterday",
             "in the statement, Ruiz said", "in an email, she wrote", "in a tweet he said", "assured Luis Ortega",
             "a note to the Board", "a conversation with Ana", "a message to Gen. Holt", "on radio Ruiz said"]


@pytest.mark.parametrize("text", ADDRESSED)
def test_addressee_prefilter_keeps_every_match(text):
    """_addressee skips a pattern on a window without its trigger words: each match must hold one of them."""
    from newstrace.quotes.extract import _ADDRESSEE

    hits = 0
    for rx, triggers in _ADDRESSEE:
        for m in rx.finditer(text):
            hits += 1
            assert any(t in m.group(0) for t in triggers), (rx.pattern, m.group(0))
    assert hits, text  # every example is a match of some pattern
