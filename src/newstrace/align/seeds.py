"""Seeds: sentence pairs that look alike, by tf-idf cosine and Dice overlap of content stems.

This is the seeding of Sanchez-Perez, Sidorov and Gelbukh (PAN 2014): each sentence of both texts is a tiny
document; a pair of sentences is a seed when both the tf-idf cosine and the Dice coefficient of their stem sets
pass a threshold. Computed as two small dense matrix products over the stems the texts share.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from .prep import Prepared

__all__ = ["SentenceSim", "fragment_cosine", "sentence_similarity", "seeds"]


@dataclass(frozen=True, slots=True)
class SentenceSim:
    """Sentence-by-sentence similarity of two texts: ``cos[i, j]`` and ``dice[i, j]`` for sentence i of A, j of B.

    ``idf`` is the inverse document frequency of each stem over the sentences of both texts (a dict built on first
    use from ``idf_parts``: each text's stems and their idf; most candidate pairs never need it).
    """

    cos: np.ndarray
    dice: np.ndarray
    idf_parts: tuple = ()  # ((stems of A, idf of each), (stems of B, idf of each))
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # fragment cosines by ranges; "idf"

    @property
    def idf(self) -> dict[str, float]:
        got = self.memo.get("idf")
        if got is None:
            got = self.memo["idf"] = {}
            for stems, idf in self.idf_parts:
                got.update(zip(stems, idf.tolist()))
        return got


def _idf_lut(df: np.ndarray, n: int) -> np.ndarray:
    """``lut[c] = log(n / c) + 1e-3`` for each document frequency ``c`` in ``df``, each computed as one Python float
    (the same value, bit for bit, as computing it term by term)."""
    counts = np.bincount(df) if len(df) else np.zeros(1, dtype=np.int64)
    lut = np.zeros(len(counts), dtype=np.float64)
    for c in np.flatnonzero(counts).tolist():
        lut[c] = float(np.log(n / c)) + 1e-3
    return lut


def _norms(p: Prepared, idf: np.ndarray) -> np.ndarray:
    """The tf-idf norm of each sentence, ``sqrt(sum((idf * count) ** 2))`` summed term by term in order of first
    use (``cumsum`` adds left to right; the padding adds zeros), as float32. (numpy squares as x * x, which for a
    rare x differs from Python's ``x ** 2`` in the last bit of the float64 sum; that is rounded away in float32 but
    for about one norm in 10^8.)"""
    if p.pad_terms.shape[1] == 0:
        return np.zeros(p.n_sents, dtype=np.float32)
    sq = (idf[p.pad_terms] * p.pad_counts) ** 2
    return np.sqrt(np.cumsum(sq, axis=1)[:, -1]).astype(np.float32)


def _counts(p: Prepared, col: np.ndarray, n_cols: int) -> np.ndarray:
    """Counts of the shared stems (``col``: the column of each of ``p``'s stems, -1 when not shared)."""
    m = np.zeros((p.n_sents, n_cols), dtype=np.float32)
    c = col[p.u_term]
    sel = c >= 0
    m[p.u_sent[sel], c[sel]] = p.u_count[sel]
    return m


def sentence_similarity(a: Prepared, b: Prepared) -> SentenceSim:
    """tf-idf cosine and stem-set Dice for every sentence pair; idf over the sentences of both texts."""
    shared = sorted(a.vocab_index.keys() & b.vocab_index.keys())
    ia = np.fromiter(map(a.vocab_index.__getitem__, shared), dtype=np.int64, count=len(shared))
    ib = np.fromiter(map(b.vocab_index.__getitem__, shared), dtype=np.int64, count=len(shared))
    df_a, df_b = a.term_df.copy(), b.term_df.copy()
    df_a[ia] += b.term_df[ib]
    df_b[ib] += a.term_df[ia]
    n = max(1, a.n_sents + b.n_sents)
    lut = _idf_lut(np.concatenate((df_a, df_b)), n)
    idf_a, idf_b = lut[df_a], lut[df_b]
    w = idf_a[ia].astype(np.float32)
    cols = np.arange(len(shared), dtype=np.int64)
    col_a = np.full(len(a.vocab), -1, dtype=np.int64)
    col_a[ia] = cols
    col_b = np.full(len(b.vocab), -1, dtype=np.int64)
    col_b[ib] = cols
    ca, cb = _counts(a, col_a, len(shared)), _counts(b, col_b, len(shared))
    norm_a, norm_b = _norms(a, idf_a), _norms(b, idf_b)
    cos = ((ca * w) @ (cb * w).T) / np.maximum(norm_a[:, None] * norm_b[None, :], 1e-9)
    la, lb = a.n_unique, b.n_unique
    dice = 2 * ((ca > 0).astype(np.float32) @ (cb > 0).astype(np.float32).T) / np.maximum(
        la[:, None] + lb[None, :], 1.0)
    return SentenceSim(cos.reshape(a.n_sents, b.n_sents), dice.reshape(a.n_sents, b.n_sents),
                       ((a.vocab, idf_a), (b.vocab, idf_b)))


def fragment_cosine(a: Prepared, ia: tuple[int, int], b: Prepared, ib: tuple[int, int],
                    idf: dict[str, float]) -> float:
    """tf-idf cosine between sentences ``[ia[0], ia[1]]`` of A and ``[ib[0], ib[1]]`` of B (inclusive ranges)."""
    # (the stems of the sentences in order, counted by Counter's C loop: the same keys in the same order as a
    # generator over the sentences, without a Python step per stem)
    ta = Counter(chain.from_iterable(a.sent_terms[ia[0]:ia[1] + 1]))
    tb = Counter(chain.from_iterable(b.sent_terms[ib[0]:ib[1] + 1]))
    dot = sum(idf[t] ** 2 * c * tb[t] for t, c in ta.items() if t in tb)
    na = np.sqrt(sum((idf[t] * c) ** 2 for t, c in ta.items()))
    nb = np.sqrt(sum((idf[t] * c) ** 2 for t, c in tb.items()))
    return float(dot / (na * nb)) if na and nb else 0.0


def seeds(sim: SentenceSim, *, min_cos: float, min_dice: float, best_frac: float = 0.0) -> np.ndarray:
    """Seed sentence pairs ``(i, j)`` with ``cos > min_cos`` and ``dice > min_dice``, as an (n, 2) array.

    With ``best_frac`` > 0 a pair must also reach ``best_frac`` times the best cosine of its row or of its
    column: a sentence copied word for word does not also seed with a loosely similar neighbour.
    """
    ok = (sim.cos > min_cos) & (sim.dice > min_dice)
    if best_frac > 0 and ok.any():
        row = sim.cos.max(axis=1, keepdims=True)
        col = sim.cos.max(axis=0, keepdims=True)
        ok &= (sim.cos >= best_frac * row) | (sim.cos >= best_frac * col)
    return np.argwhere(ok).astype(np.int64)
