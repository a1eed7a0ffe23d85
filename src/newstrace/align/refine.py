"""Refinement: move a passage's ends from sentence borders to the words its seeds share.

Sentence splitting rarely agrees with where reuse starts (a copied passage often begins mid-sentence, or a
missing space merges two sentences). Each seed (a sentence pair) is aligned word by word on stems; seeds that
explain no words the passage's other seeds have not already matched are dropped (a sentence repeated nearby);
the passage then spans from its first to its last anchored matched word, in each text.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import Indel

from .prep import Prepared

__all__ = ["Block", "dedupe_seeds", "explained", "has_block", "longest_block", "matched_span", "seed_blocks",
           "seed_word_similarity", "widen"]

# A seed must match at least this many words, in each text, that no stronger seed of its passage matched.
# 2: a sentence split in two keeps both halves, a stray repeat of an already matched sentence goes.
MIN_NEW_WORDS = 2
# An end of a passage is anchored by a run of at least this many matched words, or by a shorter run no more
# than ANCHOR_GAP words from the next one (PAN 02 cases where a lone shared word pulled an end out; 6 and 10
# scored alike on every 5th pan13-train pair, 10 keeps "The minister ... her predecessor" paraphrases whole).
ANCHOR_WORDS = 3
ANCHOR_GAP = 10

Block = tuple[int, int, int]  # (word index in A, word index in B, length in words)


def _block_ok(p: Prepared, w0: int, size: int) -> bool:
    """A matched block counts if it is two words or more, or one content word."""
    return size >= 2 or (size == 1 and bool(p.content[w0]))


# What was found for the latest pair of prepared texts: (a, b, blocks by sentence pair (i, j)). One pair's
# clustering, growing, segments and alignment ask for the same sentence pairs again and again. Replaced as a whole
# (one tuple), so a thread that holds it sees one pair's only.
_MEMO: tuple = (None, None, {})


def _memo(a: Prepared, b: Prepared) -> tuple:
    global _MEMO
    memo = _MEMO
    if memo[0] is not a or memo[1] is not b:
        memo = _MEMO = (a, b, {})
    return memo


def seed_blocks(a: Prepared, i: int, b: Prepared, j: int) -> list[Block]:
    """Blocks of words matched (on stems, in order) between sentence i of A and sentence j of B."""
    memo = _memo(a, b)
    key = (int(i), int(j))
    found = memo[2].get(key)
    if found is None:
        found = memo[2][key] = _seed_blocks(a, key[0], b, key[1])
    return list(found)


def _seed_blocks(a: Prepared, i: int, b: Prepared, j: int) -> list[Block]:
    a0, a1 = a.sent_words[i].tolist()
    b0, b1 = b.sent_words[j].tolist()
    if a1 <= a0 or b1 <= b0:
        return []
    return [(a0 + m.a, b0 + m.b, m.size)
            for m in Indel.editops(a.word_stem[a0:a1], b.word_stem[b0:b1]).as_matching_blocks()
            if m.size and _block_ok(a, a0 + m.a, m.size)]


def longest_block(a: Prepared, i: int, b: Prepared, j: int) -> int:
    """The longest run of words sentences i of A and j of B share, in words."""
    return max((n for _, _, n in seed_blocks(a, i, b, j)), default=0)


def _grams(p: Prepared, i: int, n: int) -> frozenset:
    """The stem n-grams of sentence i (kept in ``p.cache``: a text comes back in the next pairs)."""
    key = ("grams", i, n)
    got = p.cache.get(key)
    if got is None:
        w0, w1 = p.sent_words[i].tolist()
        st = p.word_stem[w0:w1]
        got = p.cache[key] = frozenset(zip(*(st[k:] for k in range(n))))
    return got


def has_block(a: Prepared, i: int, b: Prepared, j: int, n: int) -> bool:
    """``longest_block(a, i, b, j) >= n``. A block of n words or more is a run of stems both sentences hold, so
    sentences without a stem n-gram in common have none (told without aligning them: most pairs that
    :func:`~newstrace.align.extend.grow` asks about)."""
    if n >= 2:  # (blocks of two words or more always count, see _block_ok)
        i, j = int(i), int(j)
        if _grams(a, i, n).isdisjoint(_grams(b, j, n)):
            return False
    return longest_block(a, i, b, j) >= n


def _anchor(blocks: list[Block], side: int) -> list[Block]:
    """Drop small blocks that stand far out at either end along ``side``."""
    bl = sorted(blocks, key=lambda x: x[side])
    while len(bl) > 1 and bl[0][2] < ANCHOR_WORDS and bl[1][side] - (bl[0][side] + bl[0][2]) > ANCHOR_GAP:
        bl.pop(0)
    while len(bl) > 1 and bl[-1][2] < ANCHOR_WORDS and bl[-1][side] - (bl[-2][side] + bl[-2][2]) > ANCHOR_GAP:
        bl.pop()
    return bl


def explained(a: Prepared, b: Prepared, seeds: np.ndarray) -> list[tuple[int, int, list[Block]]]:
    """The seeds, strongest first, that each match :data:`MIN_NEW_WORDS` words no stronger seed matched in
    both texts, with their matched blocks: ``(i, j, blocks)``. (Found once per pair and seed set: the segments
    and the alignment of a pair ask for the same clusters.)"""
    memo = _memo(a, b)[2]
    key = ("explained", seeds.shape, np.ascontiguousarray(seeds, dtype=np.int64).tobytes())
    found = memo.get(key)
    if found is None:
        found = memo[key] = _explained(a, b, seeds)
    return list(found)


def _explained(a: Prepared, b: Prepared, seeds: np.ndarray) -> list[tuple[int, int, list[Block]]]:
    per_seed = [(i, j, seed_blocks(a, i, b, j)) for i, j in seeds.tolist()]
    out: list[tuple[int, int, list[Block]]] = []
    seen_a: set[int] = set()
    seen_b: set[int] = set()
    for i, j, bl in sorted(per_seed, key=lambda x: -sum(n for _, _, n in x[2])):
        if not bl:
            continue
        wa = set().union(*(range(x, x + n) for x, _, n in bl))
        wb = set().union(*(range(y, y + n) for _, y, n in bl))
        if out and (len(wa - seen_a) < MIN_NEW_WORDS or len(wb - seen_b) < MIN_NEW_WORDS):
            continue
        seen_a |= wa
        seen_b |= wb
        out.append((i, j, bl))
    return out


def matched_span(a: Prepared, b: Prepared, seeds: np.ndarray, *, explain: bool = True
                 ) -> tuple[int, int, int, int] | None:
    """Character span ``(a_start, a_end, b_start, b_end)`` from the first to the last anchored shared word.

    With ``explain`` (not for summaries), only the seeds :func:`explained` keeps count.
    """
    if explain:
        blocks = [x for _, _, bl in explained(a, b, seeds) for x in bl]
    else:
        blocks = [x for i, j in seeds for x in seed_blocks(a, int(i), b, int(j))]
    if not blocks:
        return None
    ba, bb = _anchor(blocks, 0), _anchor(blocks, 1)
    fa, la = ba[0][0], ba[-1][0] + ba[-1][2] - 1
    fb, lb = bb[0][1], bb[-1][1] + bb[-1][2] - 1
    return (*widen(a.text, int(a.word_spans[fa, 0]), int(a.word_spans[la, 1])),
            *widen(b.text, int(b.word_spans[fb, 0]), int(b.word_spans[lb, 1])))


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the punctuation glued to a span's ends (an opening quote before, a full stop after)."""
    while start > 0 and not text[start - 1].isspace() and not text[start - 1].isalnum():
        start -= 1
    while end < len(text) and not text[end].isspace() and not text[end].isalnum():
        end += 1
    return start, end


# A sentence may seed with this many neighbouring sentences of the other text around its in-line partner
# (sentences split or merged by the rewrite); seeds further away are repeats of the sentence elsewhere.
# 2 chosen by reading PAN 03 cases where one sentence became two or three.
DEDUPE_SPAN = 2


def dedupe_seeds(seeds: np.ndarray) -> np.ndarray:
    """Where a sentence has seeds far apart in one cluster, keep those near the cluster's diagonal.

    The diagonal is the median of ``j - i``: a sentence repeated elsewhere in the other text then stays paired
    with the copy in line with the rest of the passage, while a sentence split in two keeps both halves.
    """
    if len(seeds) < 2:
        return seeds
    rows = seeds.tolist()  # (a handful of seeds: Python lists, the same arithmetic as numpy's median and argsort)
    diag = [j - i for i, j in rows]
    srt, mid = sorted(diag), len(diag) // 2
    off = float(srt[mid]) if len(srt) % 2 else (srt[mid - 1] + srt[mid]) / 2
    dist = [abs(x - off) for x in diag]
    order = sorted(range(len(rows)), key=dist.__getitem__)  # stable, as argsort(kind="stable")
    keep = [True] * len(rows)
    for side in (0, 1):
        best: dict[int, int] = {}
        for k in order:
            best.setdefault(rows[k][side], rows[k][1 - side])
        for k, r in enumerate(rows):
            if abs(r[1 - side] - best[r[side]]) > DEDUPE_SPAN:
                keep[k] = False
    return seeds[np.asarray(keep, dtype=bool)]


def seed_word_similarity(a: Prepared, b: Prepared, seeds: np.ndarray) -> float:
    """Mean word-level (stem) Indel similarity of the seeds' sentence pairs: 1.0 copied, ~0.3 reworded."""
    if len(seeds) == 0:
        return 0.0
    return float(np.mean([Indel.normalized_similarity(a.word_stem[slice(*a.sent_words[i])],
                                                      b.word_stem[slice(*b.sent_words[j])]) for i, j in seeds]))
