"""Prepare one text for alignment: sentences, word tokens and stems, all as offsets into the unchanged text.

A :class:`Prepared` text is a pure value (arrays and tuples); :func:`prepare` never reads files, so the local
and Spark engines, the PAN runner and ``compare`` share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress

import numpy as np

from ..scan import HashIds, TypeRows, scan
from ..tokens import STOPWORDS, sentences, stem

__all__ = ["Prepared", "prepare"]

# A sentence with fewer words than this is joined to the next one (Sanchez-Perez et al. 2014 join sentences
# under 3 words; kept as published, it stops "Yes." or a lone name from seeding on its own).
MIN_SENT_WORDS = 3

# A single line break inside running text (hard-wrapped files such as PAN's) is read as a space when splitting
# sentences; blank lines still end a sentence. Replaced one for one, so offsets do not move.
# (Written as r"(?<!\n)\n(?!\s*\n)" with the look-behind after the newline, so the regex engine skips to newlines:
# the same matches, tests/test_tokens.py; 30 -> 1.3 us on a 2,000-character article.)
_SOFT_BREAK_RE = re.compile(r"\n(?<!\n\n)(?!\s*\n)")


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
    ``n_unique[i]`` the number of distinct stems of sentence ``i``; ``term_ids`` the position in ``vocab`` of
    each stem of ``sent_terms``, sentence after sentence (each content word's, when the sentences hold every
    word). ``raw_sents``: the sentence spans before short
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
    term_ids: np.ndarray  # (sum of len(sent_terms),) int64
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


class _WordTypes(TypeRows):
    """``(lower-cased form, its stem, whether it is a content word)`` of each word type, by the hash of its
    characters (:func:`newstrace.scan.scan`). The lower-cased forms and stems are shared by the texts, not made
    again per text.

    History: a regex split gave the words as strings and a dict keyed by the word gave the three values (session
    12: 0.86 -> 0.61-0.65 ms per text). Session 17: one compiled scan gives the spans and hashes and a compiled
    probe the rows; only new types become strings. On the bench/pairs.py texts 0.70 -> 0.39 ms per text (warm),
    the same values (tests/align/test_prep.py)."""

    MAX_TYPES = 200_000

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.ids = HashIds()
        self.n = 1
        self.norm: list[str] = [""]
        self.stem: list[str] = [""]
        self.content = np.zeros(4096, bool)

    def _add(self, words: list[str], hashes: np.ndarray) -> None:
        need = self.n + len(words)
        self.content = self._room(self.content, need)
        norms = [w.lower() for w in words]
        self.norm.extend(norms)
        self.stem.extend(map(stem, norms))
        self.content[self.n : need] = [_is_term(w) for w in norms]
        self.ids.put(hashes, np.arange(self.n, need))
        self.n = need


_TYPES = _WordTypes()


def prepare(text: str) -> Prepared:
    """Tokenise ``text`` into sentences, words and stems (offsets into ``text`` itself)."""
    starts, ends, hashes = scan(text, punct=False)
    rows = _TYPES.rows(hashes, lambda i: text[starts[i]:ends[i]])
    rl = rows.tolist()
    norms = tuple(map(_TYPES.norm.__getitem__, rl))
    stems_ = tuple(map(_TYPES.stem.__getitem__, rl))
    content = _TYPES.content[rows]
    content_l = content.tolist()
    wspans = np.empty((len(rl), 2), dtype=np.int64)
    wspans[:, 0] = starts
    wspans[:, 1] = ends
    soft = _SOFT_BREAK_RE.sub(" ", text) if "\n" in text else text
    raw = sentences(soft)
    sspans, swords = _join_short(raw, wspans, content)
    terms = tuple(tuple(compress(stems_[a:b], content_l[a:b])) for a, b in swords)
    return Prepared(text, wspans, norms, stems_, content,
                    np.asarray(sspans, dtype=np.int64).reshape(-1, 2),
                    np.asarray(swords, dtype=np.int64).reshape(-1, 2), terms, *_term_arrays(terms),
                    raw_sents=tuple(raw) if soft == text else None)


def _term_arrays(terms: tuple[tuple[str, ...], ...]) -> tuple:
    """``vocab`` ... ``term_ids`` of :class:`Prepared` from the content stems of each sentence."""
    index: dict[str, int] = {}
    flat = [index.setdefault(t, len(index)) for ts in terms for t in ts]
    lens = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    ids = np.asarray(flat, dtype=np.int64)
    return (tuple(index), index, *_term_kernel(ids, lens, len(index)), ids)


def _term_kernel_py(ids: np.ndarray, lens: np.ndarray, v: int) -> tuple:
    """``term_df`` ... ``n_unique`` of :class:`Prepared` in one pass over the stem ids of each sentence (``ids``:
    sentence after sentence, ``lens`` of each; ``v`` distinct ids). Compiled below: the same values as the dozen
    numpy calls it replaced (``np.unique`` on sentence-id keys, a stable argsort of first uses, bincounts), which
    cost 0.10 ms per text against 0.05 ms for this, measured on the bench/pairs.py texts."""
    n_s, m = len(lens), len(ids)
    last = np.full(v, -1, dtype=np.int64)  # the latest sentence that used each stem
    pos = np.zeros(v, dtype=np.int64)  # its entry in that sentence
    u_sent = np.empty(m, dtype=np.int64)
    u_term = np.empty(m, dtype=np.int64)
    u_count = np.empty(m, dtype=np.int64)
    n_unique = np.zeros(n_s, dtype=np.int64)
    df = np.zeros(v, dtype=np.int64)
    k = e = width = 0
    for s in range(n_s):
        for _ in range(lens[s]):
            t = ids[k]
            k += 1
            if last[t] != s:  # first use in sentence s: a new entry, in order of first use
                last[t] = s
                pos[t] = e
                u_sent[e] = s
                u_term[e] = t
                u_count[e] = 1
                e += 1
                n_unique[s] += 1
                df[t] += 1
            else:
                u_count[pos[t]] += 1
        width = max(width, n_unique[s])
    pad_terms = np.zeros((n_s, width), dtype=np.int64)
    pad_counts = np.zeros((n_s, width), dtype=np.int64)
    r = 0
    for x in range(e):
        if x > 0 and u_sent[x] != u_sent[x - 1]:
            r = 0
        pad_terms[u_sent[x], r] = u_term[x]
        pad_counts[u_sent[x], r] = u_count[x]
        r += 1
    return (df, u_sent[:e].copy(), u_term[:e].copy(), u_count[:e].copy(), pad_terms, pad_counts,
            n_unique.astype(np.float32))


try:  # compiled when numba is present (a dependency; cached on disk after the first run)
    from numba import njit

    _term_kernel = njit(cache=True, nogil=True)(_term_kernel_py)
except ImportError:  # pragma: no cover
    _term_kernel = _term_kernel_py


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
