"""Prepare one text for alignment: sentences, word tokens and stems, all as offsets into the unchanged text.

A :class:`Prepared` text is a pure value (arrays and tuples); :func:`prepare` never reads files, so the local
and Spark engines, the PAN runner and ``compare`` share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress

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

    The rest is ``sent_terms`` as arrays, found once per text for :func:`~newstrace.align.seeds.sentence_similarity`
    (which compares one text with many): ``vocab`` the distinct content stems in order of first use,
    ``vocab_index`` their positions, ``term_df[t]`` the number of sentences using stem ``t``; ``u_sent``,
    ``u_term``, ``u_count`` one entry per distinct stem of each sentence (sentence, stem, uses), by sentence and
    then first use; ``pad_terms`` / ``pad_counts`` the same as an ``(n_sents, widest)`` matrix padded with count 0;
    ``n_unique[i]`` the number of distinct stems of sentence ``i``. ``raw_sents``: the sentence spans before short
    sentences are joined, when the text has no soft line break (they are then :func:`~newstrace.tokens.sentences`
    of the text itself), else None. ``cache`` holds values derived from these on first use.
    """

    text: str
    word_spans: np.ndarray  # (n_words, 2) int64
    word_norm: tuple[str, ...]
    word_stem: tuple[str, ...]
    content: np.ndarray  # (n_words,) bool
    sent_spans: np.ndarray  # (n_sents, 2) int64
    sent_words: np.ndarray  # (n_sents, 2) int64
    sent_terms: tuple[tuple[str, ...], ...]
    vocab: tuple[str, ...]
    vocab_index: dict[str, int]
    term_df: np.ndarray  # (n_vocab,) int64
    u_sent: np.ndarray  # (n_entries,) int64
    u_term: np.ndarray  # (n_entries,) int64
    u_count: np.ndarray  # (n_entries,) int64
    pad_terms: np.ndarray  # (n_sents, widest) int64
    pad_counts: np.ndarray  # (n_sents, widest) int64
    n_unique: np.ndarray  # (n_sents,) float32
    raw_sents: tuple[tuple[int, int], ...] | None = None
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # derived values, found on first use

    def word_starts(self) -> list[int]:
        """``word_spans[:, 0]`` as a list (for :func:`bisect.bisect_left`)."""
        got = self.cache.get("starts")
        if got is None:
            got = self.cache["starts"] = self.word_spans[:, 0].tolist()
        return got

    @property
    def n_sents(self) -> int:
        return len(self.sent_spans)


def _is_term(norm: str) -> bool:
    return norm not in STOPWORDS and (len(norm) > 1 or norm.isdigit())


_START, _END, _GROUP = re.Match.start, re.Match.end, re.Match.group


class _Stems(dict):
    """:func:`~newstrace.tokens.stem` of each word seen, by word (a plain dict lookup per word; emptied when it
    holds :data:`_STEMS_MAX` words)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _STEMS_MAX:
            self.clear()
        out = self[word] = stem(word)
        return out


_STEMS_MAX = 200_000
_STEM = _Stems()


def prepare(text: str) -> Prepared:
    """Tokenise ``text`` into sentences, words and stems (offsets into ``text`` itself)."""
    ms = list(WORD_RE.finditer(text))
    n = len(ms)
    norms = list(map(str.lower, map(_GROUP, ms)))
    stems_ = list(map(_STEM.__getitem__, norms))
    content_l = [w not in STOPWORDS and (len(w) > 1 or w.isdigit()) for w in norms]  # as _is_term
    content = np.fromiter(content_l, dtype=bool, count=n)
    wspans = np.empty((n, 2), dtype=np.int64)
    wspans[:, 0] = np.fromiter(map(_START, ms), dtype=np.int64, count=n)
    wspans[:, 1] = np.fromiter(map(_END, ms), dtype=np.int64, count=n)
    soft = _SOFT_BREAK_RE.sub(" ", text) if "\n" in text else text
    raw = sentences(soft)
    sspans, swords = _join_short(raw, wspans, content)
    terms = tuple(tuple(compress(stems_[a:b], content_l[a:b])) for a, b in swords)
    return Prepared(text, wspans, tuple(norms), tuple(stems_), content,
                    np.asarray(sspans, dtype=np.int64).reshape(-1, 2),
                    np.asarray(swords, dtype=np.int64).reshape(-1, 2), terms, *_term_arrays(terms),
                    raw_sents=tuple(raw) if soft == text else None)


def _term_arrays(terms: tuple[tuple[str, ...], ...]) -> tuple:
    """``vocab`` ... ``n_unique`` of :class:`Prepared` from the content stems of each sentence."""
    index: dict[str, int] = {}
    flat = [index.setdefault(t, len(index)) for ts in terms for t in ts]
    n_s, v = len(terms), len(index)
    lens = np.fromiter(map(len, terms), dtype=np.int64, count=n_s)
    ids = np.asarray(flat, dtype=np.int64)
    sent = np.repeat(np.arange(n_s, dtype=np.int64), lens)
    _, first, counts = np.unique(sent * max(v, 1) + ids, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")  # by sentence, then by first use in it
    first, counts = first[order], counts[order].astype(np.int64)
    u_sent, u_term = sent[first], ids[first]
    n_unique = np.bincount(u_sent, minlength=n_s)
    width = int(n_unique.max()) if n_s and len(u_sent) else 0
    starts = np.zeros(n_s, dtype=np.int64)
    if n_s:
        np.cumsum(n_unique[:-1], out=starts[1:])
    rank = np.arange(len(u_sent), dtype=np.int64) - starts[u_sent]
    pad_terms = np.zeros((n_s, width), dtype=np.int64)
    pad_counts = np.zeros((n_s, width), dtype=np.int64)
    pad_terms[u_sent, rank] = u_term
    pad_counts[u_sent, rank] = counts
    return (tuple(index), index, np.bincount(u_term, minlength=v).astype(np.int64), u_sent, u_term, counts,
            pad_terms, pad_counts, n_unique.astype(np.float32))


def _join_short(raw: list[tuple[int, int]], wspans: np.ndarray, content: np.ndarray
                ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Sentence spans with word ranges; sentences under :data:`MIN_SENT_WORDS` words join the next."""
    if not raw:
        return [], []
    starts = wspans[:, 0] if len(wspans) else np.zeros(0, dtype=np.int64)
    bounds = np.searchsorted(starts, [s for s, _ in raw]).tolist()
    ends = np.searchsorted(starts, [e for _, e in raw]).tolist()
    out_s: list[tuple[int, int]] = []
    out_w: list[tuple[int, int]] = []
    cur: tuple[int, int, int] | None = None  # (char start, word start, content count so far)
    for i, (s, e) in enumerate(raw):
        w0, w1 = bounds[i], ends[i]
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
