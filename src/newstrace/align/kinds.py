"""Passage kinds: ``verbatim`` (same words), ``edited`` (same words mostly, some inserted, deleted or changed)
and ``paraphrase`` (reworded: matched on stems, content words and order rather than on running text)."""

from __future__ import annotations

from typing import Literal

from bisect import bisect_left

from rapidfuzz.distance import Indel

from .prep import Prepared

__all__ = ["Kind", "classify", "word_similarity"]

Kind = Literal["verbatim", "edited", "paraphrase"]

# Word-level Indel similarity (2*matched words / total words) at or above which a non-identical passage counts
# as ``edited`` rather than ``paraphrase``. 0.6 chosen on invented examples: one changed word in five keeps a
# sentence at 0.8; a reworded sentence sharing only names and a verb falls near 0.3-0.5.
EDITED_MIN = 0.6

# Passages whose word similarity is at least this are ``verbatim``: identical words, ignoring case and
# punctuation, allowing one differing token in a few hundred (say a typo fix or a curly/straight apostrophe).
VERBATIM_MIN = 0.995


def _words(p: Prepared, start: int, end: int) -> list[str]:
    starts = p.word_starts()  # increasing: the number of words starting before x is bisect_left(starts, x)
    lo, hi = bisect_left(starts, start), bisect_left(starts, end)
    return list(p.word_norm[lo:hi])


def word_similarity(a: Prepared, a_span: tuple[int, int], b: Prepared, b_span: tuple[int, int]) -> float:
    """Indel similarity of the lower-cased word sequences of two character spans (1.0 when both are empty)."""
    wa, wb = _words(a, *a_span), _words(b, *b_span)
    if not wa and not wb:
        return 1.0
    return float(Indel.normalized_similarity(wa, wb))


def classify(word_sim: float) -> Kind:
    """The kind of a passage from the word similarity of its two sides."""
    if word_sim >= VERBATIM_MIN:
        return "verbatim"
    return "edited" if word_sim >= EDITED_MIN else "paraphrase"
