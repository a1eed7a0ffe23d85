"""Seeds: sentence pairs that look alike, by tf-idf cosine and Dice overlap of content stems.

This is the seeding of Sanchez-Perez, Sidorov and Gelbukh (PAN 2014): each sentence of both texts is a tiny
document; a pair of sentences is a seed when both the tf-idf cosine and the Dice coefficient of their stem sets
pass a threshold. Computed as two small dense matrix products over the stems the texts share.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .prep import Prepared

__all__ = ["SentenceSim", "fragment_cosine", "sentence_similarity", "seeds"]


@dataclass(frozen=True, slots=True)
class SentenceSim:
    """Sentence-by-sentence similarity of two texts: ``cos[i, j]`` and ``dice[i, j]`` for sentence i of A, j of B.

    ``idf`` is the inverse document frequency of each stem over the sentences of both texts.
    """

    cos: np.ndarray
    dice: np.ndarray
    idf: dict[str, float]


def _counts(terms: tuple[tuple[str, ...], ...], vocab: dict[str, int]) -> np.ndarray:
    m = np.zeros((len(terms), len(vocab)), dtype=np.float32)
    for i, ts in enumerate(terms):
        for t in ts:
            j = vocab.get(t)
            if j is not None:
                m[i, j] += 1.0
    return m


def _norm(ts: tuple[str, ...], idf: dict[str, float]) -> float:
    return float(np.sqrt(sum((idf[t] * c) ** 2 for t, c in Counter(ts).items())))


def sentence_similarity(a: Prepared, b: Prepared) -> SentenceSim:
    """tf-idf cosine and stem-set Dice for every sentence pair; idf over the sentences of both texts."""
    df: Counter[str] = Counter()
    for ts in a.sent_terms + b.sent_terms:
        df.update(set(ts))
    n = max(1, a.n_sents + b.n_sents)
    idf = {t: float(np.log(n / c)) + 1e-3 for t, c in df.items()}
    in_a = set().union(*map(set, a.sent_terms)) if a.n_sents else set()
    in_b = set().union(*map(set, b.sent_terms)) if b.n_sents else set()
    shared = sorted(in_a & in_b)
    vocab = {t: k for k, t in enumerate(shared)}
    w = np.asarray([idf[t] for t in shared], dtype=np.float32)
    ca, cb = _counts(a.sent_terms, vocab), _counts(b.sent_terms, vocab)
    norm_a = np.asarray([_norm(ts, idf) for ts in a.sent_terms], np.float32)
    norm_b = np.asarray([_norm(ts, idf) for ts in b.sent_terms], np.float32)
    cos = ((ca * w) @ (cb * w).T) / np.maximum(norm_a[:, None] * norm_b[None, :], 1e-9)
    la = np.asarray([len(set(ts)) for ts in a.sent_terms], np.float32)
    lb = np.asarray([len(set(ts)) for ts in b.sent_terms], np.float32)
    dice = 2 * ((ca > 0).astype(np.float32) @ (cb > 0).astype(np.float32).T) / np.maximum(
        la[:, None] + lb[None, :], 1.0)
    return SentenceSim(cos.reshape(a.n_sents, b.n_sents), dice.reshape(a.n_sents, b.n_sents), idf)


def fragment_cosine(a: Prepared, ia: tuple[int, int], b: Prepared, ib: tuple[int, int],
                    idf: dict[str, float]) -> float:
    """tf-idf cosine between sentences ``[ia[0], ia[1]]`` of A and ``[ib[0], ib[1]]`` of B (inclusive ranges)."""
    ta = Counter(t for i in range(ia[0], ia[1] + 1) for t in a.sent_terms[i])
    tb = Counter(t for j in range(ib[0], ib[1] + 1) for t in b.sent_terms[j])
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
