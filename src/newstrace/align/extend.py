"""Extension: grow seeds into passages by clustering them with a gap allowance, validate, resolve overlaps.

Follows the extension of Sanchez-Perez et al. (PAN 2014): seeds (sentence pairs) are split into clusters
wherever consecutive seeds are more than ``gap`` sentences apart, alternately along A and along B, until the
clusters stop changing; a cluster whose whole fragments are not similar enough is re-clustered with a smaller
gap. Overlapping passages in either text keep the better one. All indices are sentence indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .prep import Prepared
from .seeds import SentenceSim, fragment_cosine

__all__ = ["Cluster", "cluster_seeds", "resolve_overlaps", "validate"]


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
        return cls(int(seeds[:, 0].min()), int(seeds[:, 0].max()), int(seeds[:, 1].min()),
                   int(seeds[:, 1].max()), seeds, sim)


def _split(seeds: np.ndarray, side: int, gap: int) -> list[np.ndarray]:
    """Split seeds, sorted along ``side``, wherever more than ``gap`` sentences lie between neighbours."""
    order = np.lexsort((seeds[:, 1 - side], seeds[:, side]))
    s = seeds[order]
    cuts = np.flatnonzero(np.diff(s[:, side]) - 1 > gap) + 1
    return np.split(s, cuts)


def cluster_seeds(seeds: np.ndarray, gap_a: int, gap_b: int) -> list[np.ndarray]:
    """Cluster seeds alternately along A and B until stable (each cluster is an (k, 2) array)."""
    if len(seeds) == 0:
        return []
    todo, done = [(seeds, 0, False)], []
    while todo:
        s, side, split_before = todo.pop()
        parts = _split(s, side, gap_a if side == 0 else gap_b)
        if len(parts) == 1 and split_before:
            done.append(parts[0])
            continue
        for p in parts:
            todo.append((p, 1 - side, True))
    return sorted(done, key=lambda c: (int(c[:, 0].min()), int(c[:, 1].min())))


def validate(clusters: list[np.ndarray], a: Prepared, b: Prepared, sim: SentenceSim, *, gap_a: int,
             gap_b: int, min_sim: float) -> list[Cluster]:
    """Keep clusters whose fragments reach ``min_sim`` cosine; re-cluster the others with a gap one smaller."""
    out: list[Cluster] = []
    for c in clusters:
        cl = Cluster.of(c)
        s = fragment_cosine(a, (cl.a0, cl.a1), b, (cl.b0, cl.b1), sim.idf)
        if s >= min_sim:
            out.append(Cluster(cl.a0, cl.a1, cl.b0, cl.b1, c, s))
        elif len(c) > 1 and (gap_a > 0 or gap_b > 0):
            ga, gb = max(0, gap_a - 1), max(0, gap_b - 1)
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
