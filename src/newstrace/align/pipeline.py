"""The alignment pipeline: seeds → clusters (normal and summary) → trimmed and grown → word-level ends → kinds."""

from __future__ import annotations

import numpy as np

from .extend import Cluster, cluster_seeds, fill, grow, resolve_overlaps, shrink, validate
from .kinds import classify, word_similarity
from .prep import Prepared
from .refine import dedupe_seeds, has_block, matched_span, seed_word_similarity
from .seeds import SentenceSim, seeds, sentence_similarity
from .types import DEFAULTS, AlignSettings, Passage

__all__ = ["align", "candidates"]


def _clusters(sd: np.ndarray, a: Prepared, b: Prepared, sim: SentenceSim, gap_a: int, gap_b: int,
              s: AlignSettings) -> list[Cluster]:
    cl = validate(cluster_seeds(sd, gap_a, gap_b), a, b, sim, gap_a=gap_a, gap_b=gap_b, min_sim=s.min_sim)
    return resolve_overlaps(cl, sim)


def _span_chars(c: Cluster, a: Prepared, b: Prepared) -> tuple[int, int]:
    return (int(a.sent_spans[c.a1, 1] - a.sent_spans[c.a0, 0]), int(b.sent_spans[c.b1, 1] - b.sent_spans[c.b0, 0]))


def _best_pairs(c: Cluster, short: int, sim: SentenceSim) -> np.ndarray:
    """Each short-side sentence of a cluster with its most similar partner (seeds, in short-side order)."""
    cos = sim.cos[c.seeds[:, 0], c.seeds[:, 1]]
    s = c.seeds[np.lexsort((-cos, c.seeds[:, short]))]
    return s[np.r_[True, s[1:, short] != s[:-1, short]]]


def _is_summary(c: Cluster, long_side: int, a: Prepared, b: Prepared, sim: SentenceSim, s: AlignSettings) -> bool:
    """Read on each short-side sentence's best partner: seeds in ``summary_seeds`` short sentences or more, a
    long side ``summary_ratio`` times the short one, and either reworded pairs or partners that jump about the
    long text (a summary draws consecutive sentences from all over it; a copy runs side by side)."""
    # Cheap tests first: best holds one seed per short-side sentence of c, so as many as c has, and its short side
    # spans what c's does while its long side spans no more than c's.
    if len(set(c.seeds[:, 1 - long_side].tolist())) < s.summary_seeds:
        return False
    la, lb = _span_chars(c, a, b)
    if (la if long_side == 0 else lb) < s.summary_ratio * (lb if long_side == 0 else la):
        return False
    best = _best_pairs(c, 1 - long_side, sim)
    if len(best) < s.summary_seeds:
        return False
    la, lb = _span_chars(Cluster.of(best), a, b)
    long, short = (la, lb) if long_side == 0 else (lb, la)
    if long < s.summary_ratio * short:
        return False
    jumps = float((np.abs(np.diff(best[:, long_side])) > 1).mean())
    return seed_word_similarity(a, b, best) < s.summary_max_word_sim or jumps >= s.summary_jumps


def _summaries(sd: np.ndarray, a: Prepared, b: Prepared, sim: SentenceSim, s: AlignSettings) -> list[Cluster]:
    """Clusters that read as a summary of one side by the other (:func:`_is_summary`), decided from the pair
    itself, clustered with ``summary_gap`` on the long side."""
    out: list[Cluster] = []
    for side in (0, 1):
        if len(np.unique(sd[:, 1 - side])) < s.summary_seeds:
            continue  # no cluster can hold seeds in summary_seeds short-side sentences (see _is_summary)
        ga, gb = (s.summary_gap, s.gap) if side == 0 else (s.gap, s.summary_gap)
        out += [c for c in _clusters(sd, a, b, sim, ga, gb, s) if _is_summary(c, side, a, b, sim, s)]
    return resolve_overlaps(out, sim)


def _overlaps(c: Cluster, others: list[Cluster]) -> bool:
    return any(min(c.a1, o.a1) >= max(c.a0, o.a0) or min(c.b1, o.b1) >= max(c.b0, o.b0) for o in others)


def candidates(a: Prepared, b: Prepared, s: AlignSettings = DEFAULTS, *, sim: SentenceSim | None = None
               ) -> list[tuple[Cluster, bool]]:
    """The clusters that become passages, each with whether it is a summary (before character filtering).

    ``sim`` may pass in the sentence similarity of ``a`` and ``b`` when the caller has it already.
    """
    if a.n_sents == 0 or b.n_sents == 0:
        return []
    sim = sim or sentence_similarity(a, b)
    sd = seeds(sim, min_cos=s.min_cos, min_dice=s.min_dice, best_frac=s.best_frac)
    if len(sd) == 0:  # no seed, no cluster (about half the candidate pairs of a corpus run)
        return []
    summ = _summaries(sd, a, b, sim, s)
    out = []
    for c in _clusters(sd, a, b, sim, s.gap, s.gap, s):
        if _overlaps(c, summ):
            continue
        c = shrink(Cluster.of(dedupe_seeds(c.seeds), c.sim), sim, frac=s.shrink_frac)
        c = grow(c, sim, weak=s.weak_cos, frac=s.grow_frac, diag_weak=s.diag_cos,
                 in_line=lambda i, j: has_block(a, i, b, j, s.grow_block))
        out.append((fill(c, sim, weak=s.weak_cos, frac=s.grow_frac), False))
    return out + [(c, True) for c in summ]


def _summary_scope(c: Cluster, is_summary: bool, span: tuple[int, int, int, int], a: Prepared, b: Prepared,
                   s: AlignSettings) -> tuple[int, int, int, int]:
    """Widen the long side of a summary to the whole of its text (a summary condenses a whole article).

    A passage is a summary when it came from the summary clustering, or when its long side is
    ``summary_doc_ratio`` times its short side, drawn from ``summary_seeds`` sentences or more, with reworded
    seeds (word similarity under ``summary_max_word_sim``). It is widened only when its long side already
    spans ``summary_min_cover`` of its text.
    """
    a0, a1, b0, b1 = span
    la, lb = a1 - a0, b1 - b0
    side = 0 if la > lb else 1
    if not is_summary:
        n_long = len(np.unique(c.seeds[:, side]))
        if (max(la, lb) < s.summary_doc_ratio * min(la, lb) or n_long < s.summary_seeds
                or seed_word_similarity(a, b, c.seeds) >= s.summary_max_word_sim):
            return span
    long_text = (a if side == 0 else b).text
    if max(la, lb) < s.summary_min_cover * len(long_text.strip()):
        return span
    if side == 0:
        return (*_trimmed(a.text), b0, b1)
    return (a0, a1, *_trimmed(b.text))


def _trimmed(text: str) -> tuple[int, int]:
    return len(text) - len(text.lstrip()), len(text.rstrip())


def align(a: Prepared, b: Prepared, settings: AlignSettings = DEFAULTS, *,
          cands: list[tuple[Cluster, bool]] | None = None) -> list[Passage]:
    """The reused passages between two prepared texts, ordered by their start in A.

    ``cands`` may pass in :func:`candidates` of the same texts and settings when the caller has them already."""
    s = settings
    out = []
    for c, is_summary in candidates(a, b, s) if cands is None else cands:
        span = matched_span(a, b, c.seeds, explain=not is_summary)
        if span is None:
            continue
        a0, a1, b0, b1 = span
        if a1 - a0 < s.min_chars or b1 - b0 < s.min_chars:
            continue
        ws = word_similarity(a, (a0, a1), b, (b0, b1))
        if s.summary_doc_ratio:
            a0, a1, b0, b1 = _summary_scope(c, is_summary, (a0, a1, b0, b1), a, b, s)
        out.append(Passage(a0, a1, b0, b1, classify(ws), round(max(ws, c.sim), 4)))
    return _no_overlap(sorted(out, key=lambda p: (p.a_start, p.b_start)))


def _no_overlap(ps: list[Passage]) -> list[Passage]:
    """Drop passages that overlap a longer one in both texts (a widened summary swallows its neighbours)."""
    keep: list[Passage] = []
    for p in sorted(ps, key=lambda p: -(p.a_end - p.a_start + p.b_end - p.b_start)):
        if not any(min(p.a_end, k.a_end) > max(p.a_start, k.a_start)
                   and min(p.b_end, k.b_end) > max(p.b_start, k.b_start) for k in keep):
            keep.append(p)
    return sorted(keep, key=lambda p: (p.a_start, p.b_start))
