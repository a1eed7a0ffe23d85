"""Token spans and token hashes in one compiled pass over a text's code points.

The quotation tagger looks every token of an article up in its table of word types. Done through the interpreter
that is a regex match object per token (``TOKEN_RE.finditer``), a string per token and a dict probe per string:
~0.6 ms of the ~4.4 ms an article costs the article stage on bench/scale.py's generated news (py-spy, session
17). Here the text's code points (UTF-32, the offsets the spans are in) are read once by a compiled loop that
finds the same spans as the regexes and hashes each token's code points; the tagger then finds its rows by hash
in a compiled table and makes strings only of the word types it has not met.

The character classes are not rewritten by hand: :func:`char_classes` asks ``re`` itself which code points
``\\w`` and ``\\s`` match, so the spans are exactly :data:`newstrace.tokens.WORD_RE`'s and
:data:`newstrace.quotes.features.TOKEN_RE`'s (tests/test_scan.py compares them on random Unicode text).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from typing import Callable

import numpy as np

__all__ = ["WORD", "SPACE", "HashIds", "TypeRows", "char_classes", "code_points", "hash_words", "scan"]

WORD, SPACE = 1, 2  # bits of char_classes()
_MAX_CP = 0x110000

# The characters that may join two runs of word characters inside one word (WORD_RE's ['’.\-]).
_JOIN_APOS, _JOIN_RSQUO, _JOIN_DOT, _JOIN_HYPHEN = 0x27, 0x2019, 0x2E, 0x2D


@lru_cache(maxsize=1)
def char_classes() -> np.ndarray:
    """One byte per code point: :data:`WORD` where ``re``'s ``\\w`` matches it, :data:`SPACE` where ``\\s`` does
    (both for ``str`` patterns, Unicode). Made by running those two regexes over a string of every code point
    (~0.08 s, once a process), so the table cannot disagree with them."""
    table = np.zeros(_MAX_CP, np.uint8)
    every = np.arange(_MAX_CP, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    for bit, pattern in ((WORD, r"\w+"), (SPACE, r"\s+")):
        for m in re.finditer(pattern, every):
            table[m.start():m.end()] |= bit
    return table


def code_points(text: str) -> np.ndarray:
    """``text`` as its code points (uint32), index for index (lone surrogates kept as they are)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3


def _finish_py(h: np.uint64) -> np.uint64:
    """SplitMix64's finaliser of an FNV-1a hash (FNV-1a alone leaves the low bits, which pick a table slot,
    poorly mixed); never 0, the empty slot's mark."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    h = h ^ (h >> np.uint64(31))
    return h if h != np.uint64(0) else np.uint64(1)


def _scan_py(cp: np.ndarray, cls: np.ndarray, punct: bool, starts: np.ndarray, ends: np.ndarray,
             hashes: np.ndarray) -> int:
    """Token spans of ``cp`` into ``starts``/``ends`` (room for ``len(cp)``) and each token's hash into
    ``hashes``; returns the number of tokens. Words are WORD_RE's matches (a run of word characters, then any
    number of a joiner and another run); with ``punct`` every other character that is not a space is a token of
    its own (TOKEN_RE). The hash: FNV-1a over the code points, then SplitMix64's finaliser; never 0."""
    n = len(cp)
    prime = np.uint64(_FNV_PRIME)
    k = 0
    i = 0
    while i < n:
        c = cp[i]
        cl = cls[c]
        if cl & 1:
            s = i
            i += 1
            while i < n and cls[cp[i]] & 1:
                i += 1
            while i + 1 < n and cls[cp[i + 1]] & 1:
                j = cp[i]
                if j != _JOIN_APOS and j != _JOIN_RSQUO and j != _JOIN_DOT and j != _JOIN_HYPHEN:
                    break
                i += 2
                while i < n and cls[cp[i]] & 1:
                    i += 1
            e = i
        elif punct and not (cl & 2):
            s = i
            e = i + 1
            i += 1
        else:
            i += 1
            continue
        h = np.uint64(_FNV_OFFSET)
        for q in range(s, e):
            h = (h ^ np.uint64(cp[q])) * prime
        starts[k] = s
        ends[k] = e
        hashes[k] = _finish(h)
        k += 1
    return k


def _hash_spans_py(cp: np.ndarray, bounds: np.ndarray, out: np.ndarray) -> None:
    """The hash :func:`_scan_py` gives a token, of each piece ``cp[bounds[i]:bounds[i + 1]]`` into ``out[i]``."""
    prime = np.uint64(_FNV_PRIME)
    for i in range(len(bounds) - 1):
        h = np.uint64(_FNV_OFFSET)
        for q in range(bounds[i], bounds[i + 1]):
            h = (h ^ np.uint64(cp[q])) * prime
        out[i] = _finish(h)


# -- an open-addressing table of 64-bit hashes (keys, 0 = empty slot; a power of two long, at most half full) --


def _slot_py(keys: np.ndarray, h: np.uint64) -> int:
    """The slot of ``h`` in the table, or the empty slot where it would go (linear probing)."""
    mask = len(keys) - 1
    j = np.int64(h & np.uint64(mask))
    while keys[j] != np.uint64(0) and keys[j] != h:
        j = (j + 1) & mask
    return j


def _put_py(keys: np.ndarray, vals: np.ndarray, new_k: np.ndarray, new_v: np.ndarray) -> int:
    """Insert ``new_k`` with the values ``new_v`` (into a table with room for them); returns how many were not
    there already (a key met twice keeps its first value)."""
    added = 0
    for i in range(len(new_k)):
        j = _slot(keys, new_k[i])
        if keys[j] == np.uint64(0):
            keys[j] = new_k[i]
            vals[j] = new_v[i]
            added += 1
    return added


def _get_py(keys: np.ndarray, vals: np.ndarray, hashes: np.ndarray, out: np.ndarray) -> int:
    """The value of each of ``hashes`` into ``out`` (0 for a hash not in the table); returns how many were not."""
    missing = 0
    for i in range(len(hashes)):
        j = _slot(keys, hashes[i])
        if keys[j] == hashes[i]:
            out[i] = vals[j]
        else:
            out[i] = 0
            missing += 1
    return missing


def _get_new_py(keys: np.ndarray, vals: np.ndarray, hashes: np.ndarray, out: np.ndarray, first: np.ndarray,
                seen: np.ndarray) -> int:
    """:func:`_get_py`, and the positions of the first use of each distinct hash not in the table into
    ``first`` (in order of first use); returns how many there are. ``seen`` (zeros, a power of two at least
    twice ``len(hashes)`` long) is scratch for telling them apart, left zero again."""
    k = 0
    for i in range(len(hashes)):
        h = hashes[i]
        j = _slot(keys, h)
        if keys[j] == h:
            out[i] = vals[j]
            continue
        out[i] = 0
        s = _slot(seen, h)
        if seen[s] != h:
            seen[s] = h
            first[k] = i
            k += 1
    for q in range(k - 1, -1, -1):  # empty it again, the last put first: each probe chain is whole when cleared
        seen[_slot(seen, hashes[first[q]])] = np.uint64(0)
    return k


try:  # compiled when numba is present (a dependency; cached on disk after the first run)
    from numba import njit

    _finish = njit(cache=True, nogil=True, inline="always")(_finish_py)
    _slot = njit(cache=True, nogil=True, inline="always")(_slot_py)
    _scan = njit(cache=True, nogil=True)(_scan_py)
    _hash_spans = njit(cache=True, nogil=True)(_hash_spans_py)
    _put = njit(cache=True, nogil=True)(_put_py)
    _get = njit(cache=True, nogil=True)(_get_py)
    _get_new = njit(cache=True, nogil=True)(_get_new_py)
    COMPILED = True
except ImportError:  # pragma: no cover - numba is a declared dependency
    _finish, _slot, _scan, _hash_spans, _put, _get = _finish_py, _slot_py, _scan_py, _hash_spans_py, _put_py, _get_py
    _get_new = _get_new_py
    COMPILED = False


class HashIds:
    """64-bit hash -> positive int32 id, in a compiled open-addressing table (0 is no id)."""

    def __init__(self, size: int = 1 << 12):
        self.keys = np.zeros(size, np.uint64)
        self.vals = np.zeros(size, np.int32)
        self.n = 0

    def get(self, hashes: np.ndarray, out: np.ndarray) -> int:
        """Each hash's id into ``out`` (int64, 0 where there is none); returns how many had none."""
        return _get(self.keys, self.vals, hashes, out)

    def put(self, hashes: np.ndarray, ids: np.ndarray) -> None:
        """Add ``hashes`` (not in the table yet, distinct) with ``ids``."""
        if 2 * (self.n + len(hashes)) > len(self.keys):
            held = self.keys != 0
            old_k, old_v = self.keys[held], self.vals[held]
            size = 2 * len(self.keys)
            while 2 * (self.n + len(hashes)) > size:
                size *= 2
            self.keys = np.zeros(size, np.uint64)
            self.vals = np.zeros(size, np.int32)
            _put(self.keys, self.vals, old_k, old_v)
        self.n += _put(self.keys, self.vals, hashes, ids.astype(np.int32))


def scan(text: str | np.ndarray, *, punct: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, hashes) of the tokens of ``text`` (or of its :func:`code_points`): the spans of
    ``TOKEN_RE.finditer`` (``punct``, the tagger's tokens) or of ``WORD_RE.finditer`` (words only), and the
    64-bit hash of each token's characters (equal tokens, equal hashes)."""
    cp = code_points(text) if isinstance(text, str) else text
    n = len(cp)
    starts = np.empty(n, np.int64)
    ends = np.empty(n, np.int64)
    hashes = np.empty(n, np.uint64)
    k = _scan(cp, char_classes(), punct, starts, ends, hashes)
    return starts[:k], ends[:k], hashes[:k]


def hash_words(words: list[str]) -> np.ndarray:
    """The hash :func:`scan` gives a token, of each of ``words`` (any strings)."""
    # (accumulate: np.cumsum of a list cost 4 us a call, most of this function for the few words the type tables
    # add at a time)
    bounds = np.fromiter(accumulate(map(len, words), initial=0), np.int64, len(words) + 1)
    out = np.empty(len(words), np.uint64)
    _hash_spans(code_points("".join(words)), bounds, out)
    return out


class TypeRows:
    """A table of word types found by the hashes :func:`scan` gives, for the per-type values a subclass keeps in
    rows ``1 .. n - 1`` (row 0: none). The subclass's ``_reset`` empties it (and sets ``ids`` to a new
    :class:`HashIds` and ``n`` to 1), its ``_add(words, hashes)`` appends rows for new types and puts their hashes
    in ``ids``. When a text would take it past ``MAX_TYPES`` the table starts again, never in the middle of a
    text. Two distinct types share a row only if their 64-bit hashes are equal (~1e-9 among 300,000 types)."""

    MAX_TYPES = 300_000
    ids: HashIds
    n: int
    _seen = np.zeros(0, np.uint64)  # scratch of :meth:`rows` (each instance makes its own when it needs one)

    def _reset(self) -> None:
        raise NotImplementedError

    def _add(self, words: list[str], hashes: np.ndarray) -> None:
        raise NotImplementedError

    def _room(self, arr: np.ndarray, need: int) -> np.ndarray:
        """``arr`` (a per-row array holding ``n`` rows) with room for ``need`` rows: itself, or a copy twice as long
        (at least ``need``)."""
        if need <= len(arr):
            return arr
        grown = np.zeros((max(need, 2 * len(arr)),) + arr.shape[1:], arr.dtype)
        grown[: self.n] = arr[: self.n]
        return grown

    def rows(self, hashes: np.ndarray, word: Callable[[int], str]) -> np.ndarray:
        """The row of each token given its hash; ``word(i)`` makes the ``i``-th token's string, asked only of
        tokens whose type has no row yet (added first, each once, in order of first use)."""
        n = len(hashes)
        r = np.empty(n, np.int64)
        if not n:
            return r
        first = np.empty(n, np.int64)
        if len(self._seen) < 2 * n:
            self._seen = np.zeros(1 << (2 * n - 1).bit_length(), np.uint64)
        k = _get_new(self.ids.keys, self.ids.vals, hashes, r, first, self._seen)
        if k:
            if self.n + n > self.MAX_TYPES:
                self._reset()
                r[:] = 0  # every type is new again
                first = np.unique(hashes, return_index=True)[1]
                first.sort()
                k = len(first)
            at = first[:k]
            self._add([word(i) for i in at.tolist()], hashes[at])
            self.ids.get(hashes, r)
        return r
