"""Sentence ends: the character-class-first pattern finds exactly what the plain two-branch pattern finds."""

import re

import pytest
from hypothesis import given, settings, strategies as st

from newstrace.tokens import _SENT_END_RE, sentences

PLAIN = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n+")

CASES = ["a.\n\n\nB", "...x", 'Hi!!! "Yes." Ok', "a.) B", "\n", "x…  A", ".\n.", "U.S. Army said.", "a?” “B",
         "Mr. Smith met Gen. Ruiz. Then 3 more.\n\nNext", "", "end.", "“Quoted.” He left. (Aside.) [Note.] 9 left"]


def _spans(rx, text):
    return [m.span() for m in rx.finditer(text)]


@pytest.mark.parametrize("text", CASES)
def test_same_ends_as_the_plain_pattern(text):
    assert _spans(_SENT_END_RE, text) == _spans(PLAIN, text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=list("aB9 .!?…\n\"'”’)]“‘([\t"), max_size=60))
def test_same_ends_on_generated_text(text):
    assert _spans(_SENT_END_RE, text) == _spans(PLAIN, text)


def test_sentences_keep_abbreviations_and_initials():
    text = "Brig.-Gen. Esmail Qaani spoke. John F. Kennedy left.\nA new line"
    assert [text[a:b] for a, b in sentences(text)] == ["Brig.-Gen. Esmail Qaani spoke.", "John F. Kennedy left.",
                                                       "A new line"]
