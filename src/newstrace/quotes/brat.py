"""Brat standoff attribution files (the PolNeAR layout) for training and evaluation: gold spans per document.

Tolerant of the handful of malformed lines in PolNeAR train (a T line whose text ran over a newline): a line
that is not a well-formed ``T``/``E`` line is skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

__all__ = ["ROLES", "GoldDoc", "load_gold", "trim"]

ROLES = ("Source", "Cue", "Content")
_T_RE = re.compile(r"T\d+$")
_E_RE = re.compile(r"E\d+$")

Frags = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One annotated text: its raw text and its attributions, each ``{role: fragments}``."""

    name: str
    text: str
    attributions: tuple[dict[str, Frags], ...]


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` with leading and trailing whitespace removed."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _parse(ann: Path, text: str) -> tuple[dict[str, Frags], ...]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[list[str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 2:
            continue
        if _T_RE.match(cols[0]):
            typ, _, offs = cols[1].partition(" ")
            try:
                spans[cols[0]] = (typ, [(int(a), int(b)) for a, b in (f.split() for f in offs.split(";"))])
            except ValueError:
                continue
        elif _E_RE.match(cols[0]):
            events.append([a.split(":", 1)[1] for a in cols[1].split() if ":" in a])
    out = []
    for ev in events:
        att: dict[str, Frags] = {}
        for tid in ev:
            role = spans[tid][0] if tid in spans else ""
            if role in ROLES:  # the T line's type decides the role, as in the reference scorer
                frags = sorted(f for f in (trim(text, a, b) for a, b in spans[tid][1]) if f[0] < f[1])
                if frags and role in att:  # a second span of one role (rare): its own entry
                    out.append({role: tuple(frags)})
                elif frags:
                    att[role] = tuple(frags)
        if att:
            out.append(att)
    return tuple(out)


def load_gold(folder: str | Path) -> list[GoldDoc]:
    """Every ``text/NAME.txt`` with an ``attributions/NAME_<annotator>.ann`` (the first in name order)."""
    root = Path(folder)
    if not (root / "text").is_dir() or not (root / "attributions").is_dir():
        raise InputError(f"{root} must contain text/ and attributions/")
    anns: dict[str, list[Path]] = defaultdict(list)
    for p in (root / "attributions").glob("*.ann"):
        anns[p.stem.rsplit("_", 1)[0]].append(p)
    docs = []
    for p in sorted((root / "text").glob("*.txt")):
        if p.stem not in anns:
            continue
        with open(p, encoding="utf-8", newline="") as f:
            text = f.read()
        docs.append(GoldDoc(p.stem, text, _parse(sorted(anns[p.stem])[0], text)))
    return docs
