"""Shared tokenisation with offsets: words, sentences, stems. Every token is a span into the original text.

Kernels (alignment, quotations, stories) use these so that offsets agree everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

__all__ = ["WORD_RE", "STOPWORDS", "sentences", "stem", "stems", "words"]

# Words: letters/digits with inner apostrophes, hyphens or dots ("don't", "al-Qassam", "U.S.", "3.5").
WORD_RE = re.compile(r"\w+(?:['’.\-]\w+)*", re.UNICODE)

# Sentence ends: ., ! or ? (optionally followed by closing quotes/brackets), then space and an upper-case letter,
# digit or opening quote; or a blank line / newline. Abbreviations are guarded in :func:`sentences`.
# Written to open with one character class (the stops and the newline), so that the regex engine skips to those
# characters instead of trying both branches at every position: the same matches as
# r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n+" (tests/test_tokens.py), 78 -> ~25 us on a 2,000-character
# article, which the article and pair stages each split.
_SENT_END_RE = re.compile(r"[.!?…\n](?:(?<=\n)\n*|[.!?…]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9]))")
_ABBR_END_RE = re.compile(r"([\w.]+)\.$")
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "brig", "col", "lt", "maj", "sgt", "capt", "gov", "sen", "rep",
    "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "no", "u.s", "u.n", "u.k", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "etc", "mt", "ft", "rev", "adm",
}

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves also said says""".split()
)

_stemmer = Stemmer.Stemmer("english")


def words(text: str) -> list[tuple[int, int]]:
    """Word spans ``(start, end)`` in ``text``."""
    return [m.span() for m in WORD_RE.finditer(text)]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter2) stem of a lower-cased word."""
    return _stemmer.stemWord(word.lower())


def stems(tokens: list[str]) -> list[str]:
    return _stemmer.stemWords([t.lower() for t in tokens])


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)``, trimmed of surrounding whitespace; newlines always end a sentence."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        if m.group().startswith("\n"):
            end = m.start()
        else:
            # guard abbreviations: "Brig.-Gen. Esmail" or "Mr. Smith" do not end a sentence
            w = _ABBR_END_RE.search(text[max(start, m.start() - 12) : m.start() + 1])
            if w and w.group(1).lower().rstrip(".") in _ABBREV and m.group().startswith("."):
                continue
            if w and len(w.group(1)) == 1 and w.group(1).isupper():  # an initial: "John F. Kennedy"
                continue
            end = m.end()
        _push(text, start, end, out)
        start = m.end()
    _push(text, start, len(text), out)
    return out


def _push(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))
