"""Prepare one text for alignment: sentences, word tokens and stems, all as offsets into the unchanged text.

A :class:`Prepared` text is a pure value (arrays and tuples); :func:`prepare` never reads files, so the local
and Spark engines, the PAN runner and ``compare`` share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..tokens import STOPWORDS, WORD_RE, sentences, stem

__all__ = ["Prepared", "prepare"]

# A sentence with fewer words than this is joined to the next one (Sanchez-Perez et al. 2014 join sentences
# under 3 words; kept as published, it stops "Yes." or a lone name from seeding on its own).
MIN_SENT_WORDS = 3

# A single line break inside running text (hard-wrapped files such as PAN's) is read as a space when splitting
# sentences; blank lines still end a sentence. Replaced one for one, so offsets do not move.
_SOFT_BREAK_RE = re.compile(r"(?<!\n)\n(?!\s*\n)")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text ready to align.

    ``word_spans[k]`` is the character span of word ``k``; ``word_norm[k]`` its lower-cased form and
    ``word_stem[k]`` its stem; ``content[k]`` says whether it is a content word (not a stopword).
    ``sent_spans[i]`` is the character span of (joined) sentence ``i`` and ``sent_words[i]`` the half-open range
    of word indices inside it; ``sent_terms[i]`` the content stems of sentence ``i``.
    """

    text: str
    word_spans: np.ndarray  # (n_words, 2) int64
    word_norm: tuple[str, ...]
    word_stem: tuple[str, ...]
    content: np.ndarray  # (n_words,) bool
    sent_spans: np.ndarray  # (n_sents, 2) int64
    sent_words: np.ndarray  # (n_sents, 2) int64
    sent_terms: tuple[tuple[str, ...], ...]

    @property
    def n_sents(self) -> int:
        return len(self.sent_spans)


def _is_term(norm: str) -> bool:
    return norm not in STOPWORDS and (len(norm) > 1 or norm.isdigit())


def prepare(text: str) -> Prepared:
    """Tokenise ``text`` into sentences, words and stems (offsets into ``text`` itself)."""
    spans, norms = [], []
    for m in WORD_RE.finditer(text):
        spans.append(m.span())
        norms.append(m.group().lower())
    stems_ = [stem(w) for w in norms]
    content = np.fromiter((_is_term(w) for w in norms), dtype=bool, count=len(norms))
    wspans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    raw = sentences(_SOFT_BREAK_RE.sub(" ", text))
    sspans, swords = _join_short(raw, wspans, content)
    terms = tuple(tuple(stems_[k] for k in range(a, b) if content[k]) for a, b in swords)
    return Prepared(text, wspans, tuple(norms), tuple(stems_), content,
                    np.asarray(sspans, dtype=np.int64).reshape(-1, 2),
                    np.asarray(swords, dtype=np.int64).reshape(-1, 2), terms)


def _join_short(raw: list[tuple[int, int]], wspans: np.ndarray, content: np.ndarray
                ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Sentence spans with word ranges; sentences under :data:`MIN_SENT_WORDS` words join the next."""
    if not raw:
        return [], []
    starts = wspans[:, 0] if len(wspans) else np.zeros(0, dtype=np.int64)
    bounds = np.searchsorted(starts, [s for s, _ in raw] + [raw[-1][1]])
    out_s: list[tuple[int, int]] = []
    out_w: list[tuple[int, int]] = []
    cur: tuple[int, int, int] | None = None  # (char start, word start, content count so far)
    for i, (s, e) in enumerate(raw):
        w0, w1 = int(bounds[i]), int(np.searchsorted(starts, e))
        if cur is None:
            cur = (s, w0, 0)
        n = cur[2] + (w1 - w0)
        if n >= MIN_SENT_WORDS or i == len(raw) - 1:
            out_s.append((cur[0], e))
            out_w.append((cur[1], w1))
            cur = None
        else:
            cur = (cur[0], cur[1], n)
    return out_s, out_w
