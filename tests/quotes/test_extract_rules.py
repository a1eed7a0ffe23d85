"""The rule layer on top of the tagger, tested on its own (no model): quote snapping, linking, sentence subjects."""

from newstrace.quotes import extract
from newstrace.quotes.features import sentence_spans
from newstrace.quotes.marks import quote_regions


def test_content_ending_inside_a_quote_takes_the_whole_quote():
    text = 'The baker said: "Bread is early today. Come back at noon." Then she left.'
    start = text.index('"Bread')
    cut = text.index(" Come")  # a tagger that stopped at the sentence end inside the quote
    out = extract._snap(text, [("Content", start, cut)], quote_regions(text))
    assert text[out[0][1] : out[0][2]] == '"Bread is early today. Come back at noon."'


def test_content_starting_inside_a_quote_takes_its_opening_mark():
    text = 'Mira Voss said: "The ferry is late. We wait here." Nobody moved.'
    s = text.index("We wait")
    out = extract._snap(text, [("Content", s, text.index("here.") + 6)], quote_regions(text))
    assert text[out[0][1] : out[0][2]] == '"The ferry is late. We wait here."'


def test_snapping_leaves_other_roles_and_unquoted_contents_alone():
    text = 'Tomas Berg said the ferry was late. "Sorry," he said.'
    spans = [("Source", 0, 10), ("Content", text.index("the ferry"), text.index(" was"))]
    assert extract._snap(text, spans, quote_regions(text)) == spans


def test_quote_just_before_he_said_links_to_that_cue_not_an_earlier_one():
    text = 'Nils Dahl found comfort in it. "I needed a break," he said.'
    found = text.index("found")
    said = text.rindex("said")
    quote = (text.index('"I'), text.index(',"') + 2)
    spans = [("Source", 0, 9), ("Cue", found, found + 5), ("Content", *quote),
             ("Source", said - 3, said - 1), ("Cue", said, said + 4)]
    atts = extract.link(text, spans)
    att = next(a for a in atts if a.get("Cue") == (said, said + 4))
    assert att["Content"] == quote


def test_subject_opening_the_sentence_speaks_for_a_cue_without_source():
    text = "Rosa Lind, after a long meeting on Friday, confirmed that the school would reopen."
    cue = (text.index("confirmed"), text.index("confirmed") + 9)
    sp = extract._subject(text, sentence_spans(text), cue, [("Cue", *cue)])
    assert sp is not None and text[sp[0] : sp[1]] == "Rosa Lind"


def test_no_subject_from_a_sentence_opening_with_an_adverbial():
    text = "Along the river, residents confirmed that the water had risen."
    cue = (text.index("confirmed"), text.index("confirmed") + 9)
    assert extract._subject(text, sentence_spans(text), cue, [("Cue", *cue)]) is None
    text = "Speaking on Monday, the mayor confirmed the plan."
    cue = (text.index("confirmed"), text.index("confirmed") + 9)
    assert extract._subject(text, sentence_spans(text), cue, [("Cue", *cue)]) is None
