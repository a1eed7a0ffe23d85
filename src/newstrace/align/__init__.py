"""Passage alignment: seed sentence pairs, extend them into passages, classify each passage's kind.

>>> from newstrace.align import align_texts
>>> t = "The storm closed every road in the valley on Monday night. Schools stayed shut."
>>> [p.kind for p in align_texts(t, "Earlier. " + t, min_chars=10)]
['verbatim']
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .extend import Cluster, cluster_seeds, resolve_overlaps, validate
from .kinds import Kind, classify, word_similarity
from .prep import Prepared, prepare
from .refine import dedupe_seeds, matched_span
from .seeds import SentenceSim, sentence_similarity, seeds

__all__ = ["AlignSettings", "Passage", "align", "align_texts", "prepare", "Prepared"]


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """Alignment options; the defaults are the one tuned set used everywhere (PAN, compare, trace).

    min_cos, min_dice: seed thresholds on sentence tf-idf cosine and stem-set Dice (0.33 each as published by
        Sanchez-Perez et al. 2014; kept).
    gap: sentences allowed between neighbouring seeds of one passage (4, as published).
    min_sim: tf-idf cosine a whole passage must reach, else it is re-clustered with a smaller gap (0.34, as
        published).
    min_chars: passages shorter than this on either side are dropped (150, as published: PAN cases are longer).
    summary_ratio: when the aligned text on one side is this many times longer than on the other, the pair is
        read as a summary and re-clustered with ``summary_gap`` on the long side.
    summary_gap: gap allowance on the long side in summary mode.
    summary_seeds: seeds a summary cluster needs (3: one or two chance seeds spread over a long text are not a
        summary).
    best_frac: a seed must reach this fraction of the best cosine in its row or column (see :func:`seeds`).
    """

    min_cos: float = 0.33
    min_dice: float = 0.33
    gap: int = 4
    min_sim: float = 0.34
    min_chars: int = 150
    summary_ratio: float = 3.0
    summary_gap: int = 24
    best_frac: float = 0.6
    summary_seeds: int = 3


DEFAULTS = AlignSettings()


@dataclass(frozen=True, slots=True)
class Passage:
    """One reused passage: half-open character spans in A and in B, its kind and a similarity in [0, 1]."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: Kind
    similarity: float

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _clusters(sd: np.ndarray, a: Prepared, b: Prepared, sim: SentenceSim, gap_a: int, gap_b: int,
              s: AlignSettings) -> list[Cluster]:
    cl = validate(cluster_seeds(sd, gap_a, gap_b), a, b, sim, gap_a=gap_a, gap_b=gap_b, min_sim=s.min_sim)
    return resolve_overlaps(cl, sim)


def _chars(c: Cluster, a: Prepared, b: Prepared) -> tuple[int, int, int, int]:
    return (int(a.sent_spans[c.a0, 0]), int(a.sent_spans[c.a1, 1]),
            int(b.sent_spans[c.b0, 0]), int(b.sent_spans[c.b1, 1]))


def _span_chars(c: Cluster, a: Prepared, b: Prepared) -> tuple[int, int]:
    return (int(a.sent_spans[c.a1, 1] - a.sent_spans[c.a0, 0]), int(b.sent_spans[c.b1, 1] - b.sent_spans[c.b0, 0]))


def _summaries(sd: np.ndarray, a: Prepared, b: Prepared, sim: SentenceSim, s: AlignSettings) -> list[Cluster]:
    """Clusters that read as a summary: with a long gap on one side, that side spans ``summary_ratio`` times
    the other and holds at least ``summary_seeds`` seeds. Decided from the pair itself, never from outside."""
    out: list[Cluster] = []
    for side in (0, 1):
        ga, gb = (s.summary_gap, s.gap) if side == 0 else (s.gap, s.summary_gap)
        for c in _clusters(sd, a, b, sim, ga, gb, s):
            la, lb = _span_chars(c, a, b)
            long, short = (la, lb) if side == 0 else (lb, la)
            if len(c.seeds) >= s.summary_seeds and long >= s.summary_ratio * short:
                out.append(c)
    return resolve_overlaps(out, sim)


def _overlaps(c: Cluster, others: list[Cluster]) -> bool:
    return any(min(c.a1, o.a1) >= max(c.a0, o.a0) or min(c.b1, o.b1) >= max(c.b0, o.b0) for o in others)


def align(a: Prepared, b: Prepared, settings: AlignSettings = DEFAULTS) -> list[Passage]:
    """The reused passages between two prepared texts, ordered by their start in A."""
    s = settings
    if a.n_sents == 0 or b.n_sents == 0:
        return []
    sim = sentence_similarity(a, b)
    sd = seeds(sim, min_cos=s.min_cos, min_dice=s.min_dice, best_frac=s.best_frac)
    summ = _summaries(sd, a, b, sim, s)
    cl = [(c, False) for c in _clusters(sd, a, b, sim, s.gap, s.gap, s) if not _overlaps(c, summ)]
    cl += [(c, True) for c in summ]
    out = []
    for c, is_summary in cl:
        span = matched_span(a, b, c.seeds if is_summary else dedupe_seeds(c.seeds))
        if span is None:
            continue
        a0, a1, b0, b1 = span
        if a1 - a0 < s.min_chars or b1 - b0 < s.min_chars:
            continue
        ws = word_similarity(a, (a0, a1), b, (b0, b1))
        out.append(Passage(a0, a1, b0, b1, classify(ws), round(max(ws, c.sim), 4)))
    return sorted(out, key=lambda p: (p.a_start, p.b_start))


def align_texts(a: str, b: str, settings: AlignSettings | None = None, **options: float) -> list[Passage]:
    """:func:`align` on two strings; keyword ``options`` override :class:`AlignSettings` fields."""
    s = dataclasses.replace(settings or DEFAULTS, **options)
    return align(prepare(a), prepare(b), s)
