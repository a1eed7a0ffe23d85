"""Paths to input units: files, folders (recursively, in name order), globs and ``-`` for stdin."""

from __future__ import annotations

import glob
import io
import os
import sys
from dataclasses import dataclass, field

from ..model import Origin, Rejection
from .base import Source
from .detect import kind_by_name

__all__ = ["Inputs", "expand"]


@dataclass(slots=True)
class Inputs:
    """Expanded inputs: sources (or Rejections for paths that do not exist) and files skipped in folder walks."""

    sources: list[Source | Rejection] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _file(path: str) -> Source:
    return Source(path=path, name=os.path.basename(path), open=lambda: open(path, "rb"))


def _walk(root: str, out: Inputs) -> None:
    """Files under ``root`` in name order; hidden entries are ignored, files of unknown kinds are skipped."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            if kind_by_name(name) is not None or "." not in name:
                out.sources.append(_file(full))
            else:
                out.skipped.append(full)


def _stdin() -> Source:
    data = sys.stdin.buffer.read()
    return Source(path="<stdin>", name="-", open=lambda: io.BytesIO(data))


def expand(paths: list[str | os.PathLike[str]]) -> Inputs:
    """Expand ``paths`` into input units. A named file is read whatever its extension."""
    out = Inputs()
    for p in paths:
        p = os.fspath(p)
        if p == "-":
            out.sources.append(_stdin())
        elif os.path.isdir(p):
            _walk(p, out)
        elif os.path.isfile(p):
            out.sources.append(_file(p))
        elif glob.has_magic(p) and (matches := sorted(glob.glob(p, recursive=True))):
            for m in matches:
                _walk(m, out) if os.path.isdir(m) else out.sources.append(_file(m))
        else:
            out.sources.append(Rejection(Origin(path=p), "unreadable", "no such file or directory"))
    return out


