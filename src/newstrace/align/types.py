"""The alignment's options and its result type."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .kinds import Kind

__all__ = ["AlignSettings", "DEFAULTS", "Passage"]


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """Alignment options; the defaults are the one tuned set used everywhere (PAN, compare, trace).

    Values marked "published" are those of Sanchez-Perez, Sidorov and Gelbukh (PAN 2014), kept; the others were
    tuned on every 10th pair of pan13-train (all sub-corpora together, one set for all) and checked on the rest.

    min_cos, min_dice: seed thresholds on sentence tf-idf cosine and stem-set Dice (0.33 each, published).
    best_frac: a seed must reach this fraction of the best cosine in its row or column (see ``seeds``).
    gap: sentences allowed between neighbouring seeds of one passage (4, published).
    min_sim: tf-idf cosine a whole passage must reach, else it is re-clustered with a smaller gap (0.34,
        published).
    min_chars: passages shorter than this on either side are dropped (150, published).
    shrink_frac: an end seed below this fraction of its passage's best seed cosine is trimmed off.
    weak_cos, grow_frac: a sentence right next to a passage joins it when its cosine with the other side's edge
        region passes ``weak_cos`` and ``grow_frac`` times the passage's mean seed cosine (``extend.grow``).
    diag_cos: the lower bar for the sentence pairs in line with a passage's ends...
    grow_block: ... which also join when they share a run of this many words.
    summary_ratio: a cluster formed with ``summary_gap`` on one side that spans this many times more text on
        that side than on the other reads as a summary...
    summary_seeds: ... when seeds come from at least this many sentences of the short side (one or two
        sentences, however long, are not a summary) ...
    summary_max_word_sim: ... and its seeds keep less than this share of their words in order (a summary
        rewords) ...
    summary_jumps: ... or at least this share of its steps from seed to seed jump over sentences of the long
        text (an extractive summary copies sentences from all over it; a copied passage runs side by side).
    summary_gap: gap allowance on the long side of a summary (24, published).
    summary_doc_ratio: a passage whose long side is this many times its short side (with the summary seed and
        word-similarity conditions) is a summary too; a summary's long side is widened to its whole text, since
        a summary condenses a whole article (0 turns widening off)...
    summary_min_cover: ... when its long side already spans this share of the text.
    """

    min_cos: float = 0.33
    min_dice: float = 0.33
    best_frac: float = 0.6
    gap: int = 4
    min_sim: float = 0.34
    min_chars: int = 150
    shrink_frac: float = 0.5
    weak_cos: float = 0.15
    grow_frac: float = 0.5
    diag_cos: float = 0.1
    grow_block: int = 4
    summary_ratio: float = 3.0
    summary_seeds: int = 3
    summary_max_word_sim: float = 0.65
    summary_jumps: float = 0.5
    summary_gap: int = 24
    summary_doc_ratio: float = 2.5
    summary_min_cover: float = 0.15


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
