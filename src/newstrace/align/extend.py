"""Extension: grow seeds into passages by clustering them with a gap allowance, validate, resolve overlaps.

Follows the extension of Sanchez-Perez et al. (PAN 2014): seeds (sentence pairs) are split into clusters
wherever consecutive seeds are more than ``gap`` sentences apart, alternately along A and along B, until the
clusters stop changing; a cluster whose whole fragments are not similar enough is re-clustered with a smaller
gap. Overlapping passages in either text keep the better one. All indices are sentence indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .prep import Prepared
from .seeds import SentenceSim, fragment_cosine

__all__ = ["Cluster", "cluster_seeds", "fill", "grow", "resolve_overlaps", "shrink", "validate"]


@dataclass(frozen=True, slots=True)
class Cluster:
    """Seeds grouped into one passage: inclusive sentence ranges in A and B, the seeds, and a similarity."""

    a0: int
    a1: int
    b0: int
    b1: int
    seeds: np.ndarray  # (k, 2) sentence pairs
    sim: float = 0.0

    @classmethod
    def of(cls, seeds: np.ndarray, sim: float = 0.0) -> "Cluster":
        (a0, b0), (a1, b1) = seeds.min(axis=0).tolist(), seeds.max(axis=0).tolist()
        return cls(a0, a1, b0, b1, seeds, sim)


def _split(seeds: np.ndarray, side: int, gap: int) -> list[np.ndarray]:
    """Split seeds, sorted along ``side``, wherever more than ``gap`` sentences lie between neighbours."""
    order = np.lexsort((seeds[:, 1 - side], seeds[:, side]))
    s = seeds[order]
    cuts = np.flatnonzero(np.diff(s[:, side]) - 1 > gap) + 1
    return np.split(s, cuts)


# Seed sets up to this size are clustered on Python lists (the same steps in the same order; a corpus pair has a
# handful of seeds, where numpy's per-call cost dominates).
SMALL_SEEDS = 64


def _split_list(seeds: list[list[int]], side: int, gap: int) -> list[list[list[int]]]:
    """:func:`_split` on a list of ``[i, j]`` rows."""
    other = 1 - side
    s = sorted(seeds, key=lambda r: (r[side], r[other]))
    parts, start = [], 0
    for k in range(1, len(s)):
        if s[k][side] - s[k - 1][side] - 1 > gap:
            parts.append(s[start:k])
            start = k
    parts.append(s[start:])
    return parts


def _alternate(seeds, gap_a: int, gap_b: int, split):  # type: ignore[no-untyped-def]
    """Split ``seeds`` alternately along A and B with ``split(seeds, side, gap)`` until no part splits again;
    the parts, in no particular order (the same loop for arrays and for lists)."""
    todo, done = [(seeds, 0, False)], []
    while todo:
        s, side, split_before = todo.pop()
        parts = split(s, side, gap_a if side == 0 else gap_b)
        if len(parts) == 1 and split_before:
            done.append(parts[0])
            continue
        for p in parts:
            todo.append((p, 1 - side, True))
    return done


def _cluster_list(seeds: list[list[int]], gap_a: int, gap_b: int) -> list[np.ndarray]:
    """:func:`cluster_seeds` on a list of ``[i, j]`` rows (see :data:`SMALL_SEEDS`)."""
    done = _alternate(seeds, gap_a, gap_b, _split_list)
    done.sort(key=lambda c: (min(r[0] for r in c), min(r[1] for r in c)))
    return [np.asarray(c, dtype=np.int64).reshape(-1, 2) for c in done]


def cluster_seeds(seeds: np.ndarray, gap_a: int, gap_b: int) -> list[np.ndarray]:
    """Cluster seeds alternately along A and B until stable (each cluster is an (k, 2) array)."""
    if len(seeds) == 0:
        return []
    if len(seeds) <= SMALL_SEEDS:
        return _cluster_list(seeds.tolist(), gap_a, gap_b)
    return sorted(_alternate(seeds, gap_a, gap_b, _split), key=lambda c: (int(c[:, 0].min()), int(c[:, 1].min())))


def _widest(idx: np.ndarray) -> int:
    u = np.unique(idx)
    return int((np.diff(u) - 1).max()) if len(u) > 1 else 0


def validate(clusters: list[np.ndarray], a: Prepared, b: Prepared, sim: SentenceSim, *, gap_a: int,
             gap_b: int, min_sim: float) -> list[Cluster]:
    """Keep clusters whose fragments reach ``min_sim`` cosine; re-cluster the others with a gap one smaller."""
    out: list[Cluster] = []
    for c in clusters:
        cl = Cluster.of(c)
        key = (cl.a0, cl.a1, cl.b0, cl.b1)  # the normal and the summary clusterings often meet the same ranges
        s = sim.memo.get(key)
        if s is None:
            s = sim.memo[key] = fragment_cosine(a, (cl.a0, cl.a1), b, (cl.b0, cl.b1), sim.idf)
        if s >= min_sim:
            out.append(Cluster(cl.a0, cl.a1, cl.b0, cl.b1, c, s))
        elif len(c) > 1 and (gap_a > 0 or gap_b > 0):
            # the next smaller gaps that can change the clustering: one under the widest gap present
            ga, gb = max(0, min(gap_a, _widest(c[:, 0])) - 1), max(0, min(gap_b, _widest(c[:, 1])) - 1)
            out += validate(cluster_seeds(c, ga, gb), a, b, sim, gap_a=ga, gap_b=gb, min_sim=min_sim)
    return out


def _overlap(x0: int, x1: int, y0: int, y1: int) -> int:
    return max(0, min(x1, y1) - max(x0, y0) + 1)


def _score(c: Cluster, sim: SentenceSim) -> float:
    return float(sim.cos[c.seeds[:, 0], c.seeds[:, 1]].sum())


def resolve_overlaps(clusters: list[Cluster], sim: SentenceSim) -> list[Cluster]:
    """Where two passages overlap in A or in B, keep the one whose seeds are stronger in sum."""
    ranked = sorted(clusters, key=lambda c: -_score(c, sim))
    kept: list[Cluster] = []
    for c in ranked:
        if any(_overlap(c.a0, c.a1, k.a0, k.a1) and _overlap(c.b0, c.b1, k.b0, k.b1) for k in kept):
            continue
        if any(_overlap(c.a0, c.a1, k.a0, k.a1) or _overlap(c.b0, c.b1, k.b0, k.b1) for k in kept):
            rest = np.asarray([s for s in c.seeds if not any(
                k.a0 <= s[0] <= k.a1 or k.b0 <= s[1] <= k.b1 for k in kept)], dtype=np.int64).reshape(-1, 2)
            if len(rest) == 0:
                continue
            c = Cluster.of(rest, c.sim)
            if any(_overlap(c.a0, c.a1, k.a0, k.a1) or _overlap(c.b0, c.b1, k.b0, k.b1) for k in kept):
                continue
        kept.append(c)
    return sorted(kept, key=lambda c: (c.a0, c.b0))


def _best_partner(sim: SentenceSim, side: int, k: int, lo: int, hi: int, weak: float) -> int | None:
    """The sentence in ``[lo, hi]`` of the other text most similar to sentence ``k``, if its cosine > weak."""
    m = sim.cos if side == 0 else sim.cos.T
    if k < 0 or k >= m.shape[0]:
        return None
    lo, hi = max(lo, 0), min(hi, m.shape[1] - 1)
    if hi < lo:
        return None
    row = m[k, lo : hi + 1]
    j = int(np.argmax(row))
    return lo + j if row[j] > weak else None


def _block_partner(sim: SentenceSim, side: int, k: int, lo: int, hi: int,
                   in_line: Callable[[int, int], bool]) -> int | None:
    """The first sentence in ``[lo, hi]`` of the other text that ``in_line`` accepts as a partner of ``k``."""
    n_k, n_o = sim.cos.shape if side == 0 else sim.cos.shape[::-1]
    if not 0 <= k < n_k:
        return None
    for o in range(max(lo, 0), min(hi, n_o - 1) + 1):
        if (in_line(k, o) if side == 0 else in_line(o, k)):
            return o
    return None


def grow(c: Cluster, sim: SentenceSim, *, weak: float, frac: float, diag_weak: float, reach: int = 2,
         in_line: Callable[[int, int], bool] | None = None) -> Cluster:
    """Add the sentences just outside a passage when they resemble the other side's edge region (cos > weak).

    Rewritten passages often keep one or two sentences too changed to seed on their own; they sit right next
    to the seeds. Each step looks at the next sentence beyond each end, on each side, paired with a sentence
    within ``reach`` of the partners of the end sentence. The bar is ``weak`` or ``frac`` times the passage's mean seed
    cosine, whichever is higher: next to a verbatim copy, a loosely similar sentence is not part of it. The
    diagonal neighbours (the sentences just before both starts, just after both ends) need only ``diag_weak``
    (or a quarter of that relative bar), or ``in_line(i, j)`` (say, a run of shared words): lying in line with
    the passage is evidence in itself.
    """
    mean = float(sim.cos[c.seeds[:, 0], c.seeds[:, 1]].mean())
    weak, diag = max(weak, frac * mean), max(diag_weak, frac * mean / 2)
    seeds = [tuple(x) for x in c.seeds.tolist()]
    a0, a1, b0, b1 = c.a0, c.a1, c.b0, c.b1
    changed = True
    while changed:
        changed = False
        for i, j in ((a0 - 1, b0 - 1), (a1 + 1, b1 + 1)):
            if 0 <= i < sim.cos.shape[0] and 0 <= j < sim.cos.shape[1] and (
                    sim.cos[i, j] > diag or (in_line is not None and in_line(i, j))):
                seeds.append((i, j))
                a0, a1, b0, b1 = min(a0, i), max(a1, i), min(b0, j), max(b1, j)
                changed = True
        for side, k, edge in ((0, a0 - 1, a0), (0, a1 + 1, a1), (1, b0 - 1, b0), (1, b1 + 1, b1)):
            partners = [s[1 - side] for s in seeds if s[side] == edge]  # in line with the edge's partners
            lo, hi = min(partners) - reach, max(partners) + reach
            j = _best_partner(sim, side, k, lo, hi, weak)
            if j is None and in_line is not None:
                j = _block_partner(sim, side, k, lo, hi, in_line)
            if j is None:
                continue
            seeds.append((k, j) if side == 0 else (j, k))
            a0, a1 = min(a0, seeds[-1][0]), max(a1, seeds[-1][0])
            b0, b1 = min(b0, seeds[-1][1]), max(b1, seeds[-1][1])
            changed = True
    return Cluster(a0, a1, b0, b1, np.asarray(seeds, dtype=np.int64), c.sim)


def shrink(c: Cluster, sim: SentenceSim, *, frac: float) -> Cluster:
    """Trim end seeds (first or last along A or along B) whose cosine is under ``frac`` times the best seed's.

    Gap clustering lets a loosely similar sentence a few sentences away join a close copy; it shows as a weak
    seed at an end of the passage.
    """
    s = c.seeds
    cos = sim.cos[s[:, 0], s[:, 1]]
    bar = frac * float(cos.max())
    # on Python lists (a handful of seeds); float32 cosines against the bar as numpy compares them (in float32)
    cosl, bar32, rows = cos.tolist(), float(np.float32(bar)), s.tolist()
    keep = [True] * len(rows)
    alive = len(rows)
    changed = True
    while changed and alive > 1:
        changed = False
        for side in (0, 1):
            idx = [k for k, x in enumerate(keep) if x]
            # first lowest and first highest along side (min and max keep the first of equals, as argmin/argmax)
            for k in (min(idx, key=lambda k: rows[k][side]), max(idx, key=lambda k: rows[k][side])):
                if alive > 1 and cosl[k] < bar32 and keep[k]:
                    keep[k] = False
                    alive -= 1
                    changed = True
    return Cluster.of(s[np.asarray(keep, dtype=bool)], c.sim)


def fill(c: Cluster, sim: SentenceSim, *, weak: float, frac: float, reach: int = 1) -> Cluster:
    """Pair each unseeded sentence inside a passage with its best partner in line with its neighbours' partners.

    A reworded sentence between two seeds often falls just under the seed thresholds (a long sentence that
    also carries a quotation dilutes its cosine); inside a passage the same bar as :func:`grow` applies.
    """
    bar = max(weak, frac * float(sim.cos[c.seeds[:, 0], c.seeds[:, 1]].mean()))
    seeds = [tuple(x) for x in c.seeds.tolist()]
    have_a, have_b = {i for i, _ in seeds}, {j for _, j in seeds}
    arr = np.asarray(seeds, dtype=np.int64)
    for side, (lo, hi), (olo, ohi), have in ((0, (c.a0, c.a1), (c.b0, c.b1), have_a),
                                             (1, (c.b0, c.b1), (c.a0, c.a1), have_b)):
        for k in range(lo, hi + 1):
            if k in have:
                continue
            before, after = arr[arr[:, side] < k], arr[arr[:, side] > k]
            # in line: between the partners of the nearest seeded sentences before and after it
            o_lo = int(before[before[:, side] == before[:, side].max(), 1 - side].min()) - reach if len(before) else olo
            o_hi = int(after[after[:, side] == after[:, side].min(), 1 - side].max()) + reach if len(after) else ohi
            o = _best_partner(sim, side, k, max(olo, o_lo), min(ohi, o_hi), bar)
            if o is not None:
                seeds.append((k, o) if side == 0 else (o, k))
    if len(seeds) == len(c.seeds):
        return c
    return Cluster(c.a0, c.a1, c.b0, c.b1, np.asarray(seeds, dtype=np.int64), c.sim)
