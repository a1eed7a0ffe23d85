"""Refinement: move a passage's ends from sentence borders to the first and last words its seeds share.

Sentence splitting rarely agrees with where reuse starts (a copied passage often begins mid-sentence, or a
missing space merges two sentences). Each seed (a sentence pair) is aligned word by word on stems; the passage
spans from the earliest to the latest matched word over all its seeds, in each text.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import Indel

from .prep import Prepared

__all__ = ["dedupe_seeds", "matched_span"]


def _block_ok(p: Prepared, w0: int, size: int) -> bool:
    """A matched block anchors an end if it is two words or more, or one content word."""
    return size >= 2 or (size == 1 and bool(p.content[w0]))


def seed_match(a: Prepared, i: int, b: Prepared, j: int) -> tuple[int, int, int, int] | None:
    """Word index ranges ``(a_first, a_last, b_first, b_last)`` (inclusive) matched between sentences i and j."""
    a0, a1 = (int(x) for x in a.sent_words[i])
    b0, b1 = (int(x) for x in b.sent_words[j])
    if a1 <= a0 or b1 <= b0:
        return None
    blocks = [m for m in Indel.editops(a.word_stem[a0:a1], b.word_stem[b0:b1]).as_matching_blocks()
              if m.size and _block_ok(a, a0 + m.a, m.size)]
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    return a0 + first.a, a0 + last.a + last.size - 1, b0 + first.b, b0 + last.b + last.size - 1


def matched_span(a: Prepared, b: Prepared, seeds: np.ndarray) -> tuple[int, int, int, int] | None:
    """Character span ``(a_start, a_end, b_start, b_end)`` from the first to the last word the seeds share."""
    fa = la = fb = lb = None
    for i, j in seeds:
        m = seed_match(a, int(i), b, int(j))
        if m is None:
            continue
        fa = m[0] if fa is None else min(fa, m[0])
        la = m[1] if la is None else max(la, m[1])
        fb = m[2] if fb is None else min(fb, m[2])
        lb = m[3] if lb is None else max(lb, m[3])
    if fa is None:
        return None
    return (int(a.word_spans[fa, 0]), int(a.word_spans[la, 1]), int(b.word_spans[fb, 0]), int(b.word_spans[lb, 1]))


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
    off = np.median(seeds[:, 1] - seeds[:, 0])
    dist = np.abs(seeds[:, 1] - seeds[:, 0] - off)
    keep = np.ones(len(seeds), dtype=bool)
    for side in (0, 1):
        best: dict[int, int] = {}
        for k in np.argsort(dist, kind="stable"):
            best.setdefault(int(seeds[k, side]), int(seeds[k, 1 - side]))
        other = np.asarray([best[int(x)] for x in seeds[:, side]])
        keep &= np.abs(seeds[:, 1 - side] - other) <= DEDUPE_SPAN
    return seeds[keep]
