"""Quality gate on PolNeAR dev (skipped without ../shared/data): overlap and exact F1 must not drop below a floor.

Floors sit a little under the figures measured when the weights were trained (bench/polnear.py), so a change
that costs accuracy fails here.
"""

import pytest

from newstrace.model import Article
from newstrace.quotes import quotes
from newstrace.quotes.brat import load_gold
from newstrace.quotes.evaluate import evaluate, prf

pytestmark = pytest.mark.shared

FLOORS = {("Source", "overlap"): 0.75, ("Cue", "overlap"): 0.74, ("Content", "overlap"): 0.78,
          ("Source", "exact"): 0.69, ("Cue", "exact"): 0.63, ("Content", "exact"): 0.42}


def _predict(text):
    out = []
    for q in quotes(Article.from_text(text)):
        out += [(r, s.start, s.end) for r, s in (("Source", q.speaker), ("Cue", q.cue), ("Content", q.content)) if s]
    return out


def test_dev_floor(shared_data):
    folder = shared_data / "polnear" / "dev"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    res = evaluate(load_gold(folder), _predict)
    for (role, mode), floor in FLOORS.items():
        assert prf(*res[role][mode])[2] >= floor, (role, mode, res[role][mode])
