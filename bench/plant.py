"""Cutting passages at sentence borders, shared by the benchmarks that plant reuse (candidates.py, scale.py)."""

from __future__ import annotations

import random
import re

SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def border(text: str, at: int) -> int:
    """The first sentence border at or after ``at`` (the text's end when there is none)."""
    m = SENT_END.search(text, min(at, len(text)))
    return m.start() if m else len(text)


def passage(text: str, length: int, rng: random.Random) -> str:
    """About ``length`` characters of ``text``, starting and ending at sentence borders."""
    starts = [0] + [m.end() for m in SENT_END.finditer(text)]
    s = rng.choice([x for x in starts if x < max(1, len(text) - length)] or [0])
    return text[s : border(text, s + length)]
