"""Passage alignment: seed sentence pairs, extend them into passages, classify each passage's kind.

>>> from newstrace.align import align_texts
>>> t = "The storm closed every road in the valley on Monday night. Schools in three towns stayed shut."
>>> [p.kind for p in align_texts(t, "Weather news from the north. " + t, min_chars=10)]
['verbatim']
"""

from __future__ import annotations

import dataclasses

from .kinds import Kind
from .pipeline import align
from .prep import Prepared, prepare
from .types import DEFAULTS, AlignSettings, Passage

__all__ = ["DEFAULTS", "AlignSettings", "Kind", "Passage", "Prepared", "align", "align_texts", "prepare"]


def align_texts(a: str, b: str, settings: AlignSettings | None = None, **options: float) -> list[Passage]:
    """:func:`align` on two strings; keyword ``options`` override :class:`AlignSettings` fields."""
    s = dataclasses.replace(settings or DEFAULTS, **options)
    return align(prepare(a), prepare(b), s)
