"""Linear-chain CRF inference over a crfsuite model, in numpy and numba.

The attribution tagger is trained with crfsuite (``tools/train_quotes.py``) and its weights ship in crfsuite's
own binary format. Tagging through pycrfsuite cost about 10 ms of a 21 ms PolNeAR article: 4 ms to copy ~23,000
feature strings into C++ objects, the rest mostly looking each one up in the model's string database. Here the
model file is read once into a Python dict (attribute -> row) and a dense weight matrix; a document's emission
scores are one gather and one segmented sum in numpy (the tagger goes further, with score rows per word type and
integer-coded place features: :func:`newstrace.quotes.tagger.emissions`), and Viterbi and forward-backward run as compiled loops
(numba). The result is the same labels and marginals as crfsuite's (tests/quotes/test_crf.py compares them on
invented text and on 30 PolNeAR dev documents when the data is present), at a fraction of the time; pycrfsuite
remains the fallback when numba cannot be imported.

Model format (crfsuite ``crf1d_model.c``, little-endian): a 48-byte header (magic ``lCRF``, size, type
``FOMC``, version, #features, #labels, #attributes and the offsets of the feature chunk, the label and
attribute string databases (CQDB) and two reference chunks). The feature chunk (``FEAT``, size, count: crfsuite
leaves the header's feature count at 0) lists features of (type, src, dst, weight: double),
20 bytes: type 0 is a state feature (attribute src, label dst), type 1 a transition (label src -> label dst).
A CQDB holds its records (id, key size, NUL-terminated key) one after another from byte 2,072 (a 24-byte
header and 256 hash-table references).
"""

from __future__ import annotations

import struct
from itertools import chain, repeat
from dataclasses import dataclass

import numpy as np

__all__ = ["IntMap", "LinearCRF", "numba_available"]

_HEADER = struct.Struct("<4sI4s9I")
_CQDB_DATA = 24 + 256 * 8


def _cqdb_strings(buf: bytes, off: int, n: int) -> list[str]:
    """The ``n`` keys of the CQDB at ``off``, indexed by their ids (through its backward array of record
    offsets: a record is id, key size, key and its NUL)."""
    if buf[off : off + 4] != b"CQDB":
        raise ValueError("not a crfsuite model: string database missing")
    bwd_size, bwd_off = struct.unpack_from("<II", buf, off + 16)
    if bwd_off == 0 or bwd_size < n:
        raise ValueError("crfsuite string database without a backward array")
    rec = off + np.frombuffer(buf, dtype="<u4", count=n, offset=off + bwd_off).astype(np.int64)
    b = np.frombuffer(buf, dtype=np.uint8)
    size = sum(b[rec + 4 + k].astype(np.int64) << (8 * k) for k in range(4))  # key size with its NUL
    mv = memoryview(buf)
    return [str(mv[s : s + k - 1], "utf-8") for s, k in zip((rec + 8).tolist(), size.tolist())]


@dataclass
class LinearCRF:
    """A first-order linear-chain CRF: state weights per attribute and label, transition weights."""

    labels: tuple[str, ...]
    index: dict[str, int]  # attribute -> row of ``state``
    state: np.ndarray  # (attributes + 1, labels); the last row is zeros, for attributes the model lacks
    trans: np.ndarray  # (labels, labels): from -> to

    @classmethod
    def from_crfsuite(cls, buf: bytes) -> "LinearCRF":
        """Read a crfsuite CRF1d model from its bytes (ValueError when they are not one)."""
        if len(buf) < _HEADER.size or buf[:4] != b"lCRF":
            raise ValueError("not a crfsuite CRF1d model")
        (magic, _size, kind, _version, _n, n_lab, n_attr, off_feat, off_lab, off_attr, _lref, _aref
         ) = _HEADER.unpack_from(buf, 0)
        chunk, _, n_feat = struct.unpack_from("<4sII", buf, off_feat)  # the header's count is left at 0
        if magic != b"lCRF" or kind != b"FOMC" or chunk != b"FEAT":
            raise ValueError("not a crfsuite CRF1d model")
        labels = tuple(_cqdb_strings(buf, off_lab, n_lab))
        attrs = _cqdb_strings(buf, off_attr, n_attr)
        rec = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")])
        f = np.frombuffer(buf, dtype=rec, count=n_feat, offset=off_feat + 12)
        state = np.zeros((n_attr + 1, n_lab), dtype=np.float64)
        trans = np.zeros((n_lab, n_lab), dtype=np.float64)
        s, t = f[f["type"] == 0], f[f["type"] == 1]
        state[s["src"].astype(np.int64), s["dst"].astype(np.int64)] = s["w"]  # one feature per (attribute, label)
        trans[t["src"].astype(np.int64), t["dst"].astype(np.int64)] = t["w"]
        return cls(labels, {a: i for i, a in enumerate(attrs)}, state, trans)

    def emissions(self, feats: list[list[str]]) -> np.ndarray:
        """(tokens, labels) state scores: the sum of the weights of each token's attributes (unknown ones add
        nothing; an attribute listed twice counts twice, as in crfsuite)."""
        counts = np.fromiter(map(len, feats), dtype=np.int64, count=len(feats))
        flat = chain.from_iterable(feats)
        ids = np.fromiter(map(self.index.get, flat, repeat(len(self.index))), dtype=np.int64, count=int(counts.sum()))
        return self.emissions_from_ids(ids, counts)

    def emissions_from_ids(self, ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """:meth:`emissions` from attribute rows (``len(index)`` for unknown) and the number per token."""
        n = len(counts)
        out = np.zeros((n, self.state.shape[1]), dtype=np.float64)
        if not len(ids):
            return out
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        nz = counts > 0
        out[nz] = np.add.reduceat(self.state[ids], starts[nz], axis=0)
        return out

    def viterbi(self, em: np.ndarray) -> np.ndarray:
        """The best label path (label indices); ties go to the lower label index, as in crfsuite."""
        return _viterbi(em, self.trans) if len(em) else np.zeros(0, dtype=np.int64)

    def marginals(self, em: np.ndarray) -> np.ndarray:
        """(tokens, labels) marginal probabilities of each label at each token."""
        return _marginals(em, self.trans) if len(em) else np.zeros_like(em)


# -- compiled loops -----------------------------------------------------------------------------------------


def _viterbi_py(em: np.ndarray, trans: np.ndarray) -> np.ndarray:
    n, k = em.shape
    score = np.empty((n, k))
    back = np.zeros((n, k), dtype=np.int64)
    for j in range(k):
        score[0, j] = em[0, j]
    for t in range(1, n):
        for j in range(k):
            best, arg = -np.inf, 0
            for i in range(k):
                v = score[t - 1, i] + trans[i, j]
                if v > best:
                    best, arg = v, i
            score[t, j] = best + em[t, j]
            back[t, j] = arg
    path = np.zeros(n, dtype=np.int64)
    best, arg = -np.inf, 0
    for j in range(k):
        if score[n - 1, j] > best:
            best, arg = score[n - 1, j], j
    path[n - 1] = arg
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def _marginals_py(em: np.ndarray, trans: np.ndarray) -> np.ndarray:
    """Forward-backward in the probability domain with per-position scaling (crfsuite's scheme)."""
    n, k = em.shape
    et = np.exp(trans)
    state = np.empty((n, k))
    for t in range(n):
        m = em[t, 0]
        for j in range(1, k):
            m = max(m, em[t, j])
        for j in range(k):
            state[t, j] = np.exp(em[t, j] - m)  # a per-position constant cancels out of the marginals
    fwd = np.zeros((n, k))
    scale = np.zeros(n)
    s = 0.0
    for j in range(k):
        fwd[0, j] = state[0, j]
        s += fwd[0, j]
    scale[0] = 1.0 / s
    for j in range(k):
        fwd[0, j] *= scale[0]
    for t in range(1, n):
        s = 0.0
        for j in range(k):
            v = 0.0
            for i in range(k):
                v += fwd[t - 1, i] * et[i, j]
            fwd[t, j] = v * state[t, j]
            s += fwd[t, j]
        scale[t] = 1.0 / s
        for j in range(k):
            fwd[t, j] *= scale[t]
    bwd = np.zeros((n, k))
    for j in range(k):
        bwd[n - 1, j] = scale[n - 1]
    for t in range(n - 2, -1, -1):
        for i in range(k):
            v = 0.0
            for j in range(k):
                v += et[i, j] * state[t + 1, j] * bwd[t + 1, j]
            bwd[t, i] = v * scale[t]
    out = np.empty((n, k))
    for t in range(n):
        for j in range(k):
            out[t, j] = fwd[t, j] * bwd[t, j] / scale[t]
    return out


_GOLDEN = 0x9E3779B97F4A7C15  # Fibonacci hashing: the top bits of key * 2^64/phi pick the slot


def _hash_fill_py(table: np.ndarray, vals: np.ndarray, keys: np.ndarray, values: np.ndarray, shift: int) -> None:
    mask = len(table) - 1
    for i in range(len(keys)):
        k = keys[i]
        h = np.int64((np.uint64(k) * np.uint64(_GOLDEN)) >> np.uint64(shift))
        while table[h] != -1 and table[h] != k:
            h = (h + 1) & mask
        table[h] = k
        vals[h] = values[i]


def _hash_probe_py(table: np.ndarray, vals: np.ndarray, k: int, shift: int, missing: int) -> int:
    """The value of one key (``missing`` for a negative or absent one); :mod:`.emit` probes with it too."""
    if k < 0:
        return missing
    mask = len(table) - 1
    h = np.int64((np.uint64(k) * np.uint64(_GOLDEN)) >> np.uint64(shift))
    while table[h] != -1:
        if table[h] == k:
            return vals[h]
        h = (h + 1) & mask
    return missing


def _hash_get_py(table: np.ndarray, vals: np.ndarray, query: np.ndarray, shift: int, missing: int) -> np.ndarray:
    out = np.empty(len(query), dtype=np.int64)
    for i in range(len(query)):
        out[i] = _hash_probe(table, vals, query[i], shift, missing)
    return out


class IntMap:
    """A fixed map of non-negative int64 keys to int64 values: open addressing with linear probing in two numpy
    arrays (load at most one half), looked up by a compiled loop. For the tagger's word-pair features
    (:class:`newstrace.quotes.tagger._PlaceWeights`): a vectorised binary search over the ~180,000 sorted keys of
    a column cost 0.16 ms per column of a 400-token article (cache misses at every level), a probe ~20 ns."""

    def __init__(self, keys: np.ndarray, values: np.ndarray, missing: int):
        keys = np.asarray(keys, dtype=np.int64)
        if len(keys) and keys.min() < 0:
            raise ValueError("IntMap keys must be non-negative")
        bits = max(4, int(2 * len(keys)).bit_length())
        self.shift, self.missing = 64 - bits, missing
        self.table = np.full(1 << bits, -1, dtype=np.int64)
        self.vals = np.full(1 << bits, missing, dtype=np.int64)
        with np.errstate(over="ignore"):
            _hash_fill(self.table, self.vals, keys, np.asarray(values, dtype=np.int64), self.shift)

    @classmethod
    def from_arrays(cls, table: np.ndarray, vals: np.ndarray, missing: int) -> "IntMap":
        """A map from the ``table`` and ``vals`` arrays of another (as saved), without filling it again."""
        n = len(table)
        if n < 16 or n & (n - 1) or len(vals) != n:
            raise ValueError("not the arrays of an IntMap")
        m = cls.__new__(cls)
        m.table, m.vals = np.asarray(table, dtype=np.int64), np.asarray(vals, dtype=np.int64)
        m.shift, m.missing = 64 - (n.bit_length() - 1), missing
        return m

    def get(self, query: np.ndarray) -> np.ndarray:
        """The value of each key in ``query`` (``missing`` for absent or negative keys)."""
        with np.errstate(over="ignore"):
            return _hash_get(self.table, self.vals, np.asarray(query, dtype=np.int64), self.shift, self.missing)


try:  # numba compiles the loops (cached on disk after the first run); without it they stay Python
    from numba import njit

    _viterbi = njit(cache=True, nogil=True)(_viterbi_py)
    _marginals = njit(cache=True, nogil=True)(_marginals_py)
    _hash_fill = njit(cache=True, nogil=True)(_hash_fill_py)
    _hash_probe = njit(cache=True, nogil=True, inline="always")(_hash_probe_py)
    _hash_get = njit(cache=True, nogil=True)(_hash_get_py)
    _NUMBA = True
except ImportError:  # pragma: no cover - numba is a declared dependency
    _viterbi, _marginals, _hash_fill, _hash_get = _viterbi_py, _marginals_py, _hash_fill_py, _hash_get_py
    _hash_probe = _hash_probe_py
    _NUMBA = False


def numba_available() -> bool:
    """Whether the compiled loops are in use (the tagger falls back to pycrfsuite otherwise)."""
    return _NUMBA
