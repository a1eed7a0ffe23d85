"""A cheap language guess: English when stopwords make up enough of the words, else unknown (None)."""

from __future__ import annotations

from ..tokens import STOPWORDS, WORD_RE

__all__ = ["guess_language"]

SAMPLE_CHARS = 3000
MIN_WORDS = 8
# Share of English stopwords among the words of the sample. English news prose runs 0.35-0.50 against this list;
# of PolNeAR's 924 texts the lowest scores 0.22 (a list of names and titles) and only 2 fall under 0.25;
# German, French or Spanish prose scores under 0.08. 0.20 sits between.
ENGLISH_STOPWORD_SHARE = 0.20


def guess_language(text: str) -> str | None:
    """``"en"`` when ``text`` reads as English, else None.

    >>> guess_language("The mayor said that the port would reopen on Monday after the strike."), guess_language("x")
    ('en', None)
    """
    words = WORD_RE.findall(text[:SAMPLE_CHARS].lower())
    if len(words) < MIN_WORDS:
        return None
    share = sum(map(STOPWORDS.__contains__, words)) / len(words)
    return "en" if share >= ENGLISH_STOPWORD_SHARE else None
