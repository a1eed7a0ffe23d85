"""The mined cue lexicon: how often each word stem is (part of) an attribution cue in PolNeAR train.

The hand-made lists in :mod:`.cues` know reporting verbs; most missed attributions have other cues
(intentions, thoughts, "is a fervent supporter of", "hoped to"). ``cue_lexicon.tsv`` holds, per Snowball stem,
how many of its occurrences in the training texts lie inside a gold Cue span and how many there are in all;
the tagger sees the stem's cue rate as a level (:func:`level`). ``tools/train_quotes.py`` writes the file
with :func:`mine` from the documents it trains on (on a holdout run, from the training part only).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable

from ..tokens import stem

__all__ = ["LEXICON_PATH", "level", "load", "mine", "save", "set_rates"]

LEXICON_PATH = Path(__file__).with_name("cue_lexicon.tsv")
# A stem enters the lexicon seen this often in train, at least twice inside a cue.
MIN_TOTAL = 3
MIN_CUE = 2
# Cue-rate thresholds of levels 1..5 (a stem below the first has level 0). Spaced roughly by doubling: a
# reporting verb like "said" sits near 0.9, "hope" near 0.3, "support" near 0.1 in PolNeAR train.
LEVELS = (0.03, 0.08, 0.2, 0.4, 0.7)

_rates: dict[str, float] | None = None


def mine(docs: Iterable[tuple[list[str], list[bool]]]) -> dict[str, tuple[int, int]]:
    """``{stem: (in_cue, total)}`` from ``(lower-case words, inside-a-cue flags)`` per document."""
    cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for words, flags in docs:
        for w, f in zip(words, flags):
            if not w[:1].isalpha():
                continue
            s = stem(w)
            total[s] += 1
            cue[s] += f
    return {s: (cue[s], n) for s, n in total.items() if n >= MIN_TOTAL and cue[s] >= MIN_CUE}


def save(counts: dict[str, tuple[int, int]], path: Path = LEXICON_PATH) -> None:
    lines = [f"{s}\t{c}\t{n}" for s, (c, n) in sorted(counts.items())]
    path.write_text("# stem\tin_cue\ttotal (PolNeAR train; tools/train_quotes.py)\n" + "\n".join(lines) + "\n",
                    encoding="utf-8")


def load(path: Path = LEXICON_PATH) -> dict[str, tuple[int, int]]:
    """The counts in a lexicon file (empty when the file is missing)."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            s, c, n = line.split("\t")
            out[s] = (int(c), int(n))
    return out


def set_rates(counts: dict[str, tuple[int, int]] | None) -> None:
    """Use these counts (None: the shipped file) from now on; clears the feature caches that depend on them."""
    global _rates
    _rates = None if counts is None else {s: c / n for s, (c, n) in counts.items()}
    from . import features

    features.clear_caches()


def level(low: str) -> int:
    """0..5: the cue-rate level of a lower-case word's stem."""
    global _rates
    if _rates is None:
        _rates = {s: c / n for s, (c, n) in load().items()}
    r = _rates.get(stem(low))
    if r is None:
        return 0
    k = 0
    for t in LEVELS:
        if r >= t:
            k += 1
    return k
