"""Fingerprints: hashed word n-grams over content words, as numpy arrays, for finding candidate pairs.

A text's fingerprint is the sorted set of 64-bit hashes of its n-grams of consecutive *content* words
(lower-cased, stopwords and single characters dropped). Dropping stopwords makes the n-grams survive small edits
("said" → "stated" breaks one n-gram, not n) and makes each n-gram rarer, so fewer are needed to trust a shared
one. A whole batch is tokenised at once in Arrow (lower-casing, splitting, stopword filtering and word
dictionary in C++); only distinct words are hashed (xxh3-64), and the n-gram hashes are a vectorised polynomial
roll in numpy.

>>> a = fingerprint("Rescuers pulled twelve miners from the flooded shaft on Tuesday.", sample=1)
>>> b = fingerprint("On Tuesday rescuers pulled twelve miners from the flooded shaft, officials said.", sample=1)
>>> len(np.intersect1d(a, b)) >= 3
True
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from .tokens import STOPWORDS

__all__ = ["NGRAM", "Postings", "content_words", "fingerprint", "postings"]

# Words per n-gram. 3 content words (about 6 running words) is rare enough that a shared one is seldom chance,
# and short enough that a 300-character passage edited every tenth word keeps several intact (bench/candidates.py).
NGRAM = 3
# Keep only n-grams whose hash is 0 modulo this ("0 mod p" selection, as in Schleimer et al.'s winnowing paper):
# the choice depends on the n-gram alone, so two copies of a passage keep the same half. 2 halves postings and
# join time; on bench/candidates.py (N = 20,000) recall of planted passages ≥ 300 characters stayed ≥ 0.999
# (3 dropped it to 0.998 with no further speed-up).
SAMPLE = 2
_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (the golden-ratio constant) for the roll
# Fingerprint words: what is left between white space once everything but letters, digits and spaces is
# deleted ("U.S." → "us", "3.5" → "35"); twice as fast in Arrow as splitting on a regular expression.
_DROP = r"[^\p{L}\p{N}\s\p{Z}]"
_DROP_RE = re.compile(r"[^\w\s]|_")  # the same words for one text in Python (content_words)


@lru_cache(maxsize=1)
def _stop_array() -> pa.Array:
    """The stopwords as an Arrow array, made on first use: ``pa.array`` imports pandas when it is installed
    (~0.25 s), and every worker process and command imports this module, most of them without fingerprinting."""
    return pa.array(sorted(STOPWORDS), pa.large_string())


def content_words(text: str) -> list[str]:
    """Lower-cased content words of ``text`` (the words fingerprints are made of)."""
    return [w for w in _DROP_RE.sub("", text.lower()).split() if len(w) > 1 and w not in STOPWORDS]


class Postings:
    """Flat postings ``(doc, hash)``: ``doc[k]`` is the index of the text that holds n-gram ``hash[k]``.

    Unique per (doc, hash). ``hash`` is stored as int64 (the same bits) so DuckDB and Arrow take it as is.
    """

    __slots__ = ("doc", "hash", "n_docs")

    def __init__(self, doc: np.ndarray, hash: np.ndarray, n_docs: int):
        self.doc = doc.astype(np.int32, copy=False)
        self.hash = hash.view(np.int64) if hash.dtype == np.uint64 else hash.astype(np.int64, copy=False)
        self.n_docs = n_docs

    def __len__(self) -> int:
        return len(self.doc)

    def sizes(self) -> np.ndarray:
        """Number of distinct n-grams of each text."""
        return np.bincount(self.doc, minlength=self.n_docs)


def _words(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the content words of all texts, in order, and the text each belongs to."""
    lists = pc.utf8_split_whitespace(pc.replace_substring_regex(
        pc.utf8_lower(pa.array(texts, pa.large_string())), _DROP, ""))
    flat = lists.flatten()
    doc = np.repeat(np.arange(len(texts), dtype=np.int32), np.diff(lists.offsets.to_numpy()))
    keep = pc.and_(pc.greater(pc.utf8_length(flat), 1), pc.invert(pc.is_in(flat, value_set=_stop_array())))
    flat = flat.filter(keep)
    doc = doc[keep.to_numpy(zero_copy_only=False)]
    enc = flat.dictionary_encode()
    vocab = np.fromiter((xxhash.xxh3_64_intdigest(w.encode("utf-8", "surrogatepass"))
                         for w in enc.dictionary.to_pylist()), dtype=np.uint64, count=len(enc.dictionary))
    return vocab[enc.indices.to_numpy()], doc


# Texts per batch: each batch is tokenised and hashed on its own thread (Arrow and numpy release the GIL).
BATCH = 1000


def _batch_postings(texts: Sequence[str], n: int, sample: int) -> tuple[np.ndarray, np.ndarray]:
    h, doc = _words(texts)
    m = len(h) - n + 1
    if m <= 0:
        return np.zeros(0, np.int32), np.zeros(0, np.uint64)
    acc = h[:m].copy()
    with np.errstate(over="ignore"):
        for k in range(1, n):
            acc = acc * _MUL + h[k : k + m]
    keep = doc[:m] == doc[n - 1 :]  # n-grams that do not straddle two texts
    if sample > 1:
        keep &= acc % np.uint64(sample) == 0
    d, g = doc[:m][keep], acc[keep]
    if len(d) == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.uint64)
    order = np.lexsort((g, d))
    d, g = d[order], g[order]
    first = np.r_[True, (d[1:] != d[:-1]) | (g[1:] != g[:-1])]
    return d[first], g[first]


def postings(texts: Sequence[str], n: int = NGRAM, *, sample: int = SAMPLE, threads: int | None = None
             ) -> Postings:
    """The postings of every text (text ``k`` is doc ``k``): its distinct sampled n-gram hashes.

    Batches of :data:`BATCH` texts run on ``threads`` threads (default: the CPU count).
    """
    texts = list(texts)
    starts = list(range(0, len(texts), BATCH)) or [0]
    work = [texts[s : s + BATCH] for s in starts]
    if len(work) == 1:
        parts = [_batch_postings(work[0], n, sample)]
    else:
        with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as ex:
            parts = list(ex.map(lambda t: _batch_postings(t, n, sample), work))
    doc = np.concatenate([d + s for (d, _), s in zip(parts, starts)]).astype(np.int32)
    return Postings(doc, np.concatenate([g for _, g in parts]), len(texts))


def fingerprint(text: str, n: int = NGRAM, *, sample: int = SAMPLE) -> np.ndarray:
    """The sorted unique sampled n-gram hashes of one text (uint64)."""
    return postings([text], n, sample=sample).hash.view(np.uint64)
