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


# Patterns rewritten to open with a character or a class (the regex engine then skips to where a match can
# start), each against the plain form it replaces.
REWRITTEN = [
    ("newstrace.quotes.extract", "_ACCORDING", r"\b[Aa]ccording to\b"),
    ("newstrace.align.prep", "_SOFT_BREAK_RE", r"(?<!\n)\n(?!\s*\n)"),
]
PIECES = ["according to", "According to", "xaccording to", "Aaccording to", "according tox", "a", "\n", "\n\n", " ",
          "\t", "\r\n", "\u00a0", "word", ".", "_", "é"]


@pytest.mark.parametrize("module, name, plain", REWRITTEN)
@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES), max_size=14))
def test_rewritten_patterns_match_their_plain_form(module, name, plain, parts):
    import importlib

    text = "".join(parts)
    rx = getattr(importlib.import_module(module), name)
    assert _spans(rx, text) == _spans(re.compile(plain), text)
