"""PAN text-alignment I/O and a parallel runner: read ``pairs``, align each pair, write one XML per pair.

PAN texts are read as whole plain files: offsets are character offsets into the UTF-8 decoded file, with no
headline or metadata stripping, as the PAN evaluation expects.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import quoteattr

from .align import DEFAULTS, AlignSettings, Passage, align, prepare
from .align.prep import Prepared
from .errors import InputError

__all__ = ["PanPair", "align_pair", "read_pairs", "run_pan", "write_detections"]

# Pairs sent to a worker at a time: large enough to amortise inter-process calls, small enough that pairs
# sharing a source document (consecutive in ``pairs`` files) land on the same worker's cache.
CHUNK = 16
# Prepared documents each worker keeps (a source document appears in several pairs).
CACHE_DOCS = 256


@dataclass(frozen=True, slots=True)
class PanPair:
    """One line ``SUSP SRC`` of a PAN pairs file."""

    susp: str
    src: str

    @property
    def out_name(self) -> str:
        return f"{Path(self.susp).stem}-{Path(self.src).stem}.xml"


def read_pairs(path: str | Path) -> list[PanPair]:
    """The pairs of a PAN ``pairs`` file (blank lines skipped)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"cannot read pairs file {path}: {e}") from e
    out = []
    for n, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise InputError(f"{path}:{n}: expected 'SUSP SRC', got {line!r}")
        out.append(PanPair(parts[0], parts[1]))
    return out


def detections_xml(pair: PanPair, passages: Iterable[Passage]) -> str:
    """The PAN XML for one pair; "this" is the suspicious document (A), "source" the source document (B)."""
    lines = [f"<document reference={quoteattr(pair.susp)}>"]
    for p in passages:
        lines.append(
            f'<feature name="detected-plagiarism" this_offset="{p.a_start}" this_length="{p.a_end - p.a_start}"'
            f" source_reference={quoteattr(pair.src)} source_offset=\"{p.b_start}\""
            f' source_length="{p.b_end - p.b_start}"/>')
    lines.append("</document>")
    return "\n".join(lines) + "\n"


def write_detections(out_dir: str | Path, pair: PanPair, passages: Iterable[Passage]) -> Path:
    path = Path(out_dir) / pair.out_name
    path.write_text(detections_xml(pair, passages), encoding="utf-8")
    return path


@lru_cache(maxsize=CACHE_DOCS)
def _prepared(path: str) -> Prepared:
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            return prepare(f.read())
    except OSError as e:
        raise InputError(f"cannot read {path}: {e}") from e


def align_pair(pair: PanPair, src_dir: str, susp_dir: str, settings: AlignSettings = DEFAULTS) -> list[Passage]:
    """Align one PAN pair (suspicious document as A, source as B)."""
    return align(_prepared(os.path.join(susp_dir, pair.susp)), _prepared(os.path.join(src_dir, pair.src)),
                 settings)


def _work(job: tuple[list[PanPair], str, str, str, AlignSettings]) -> int:
    pairs, src_dir, susp_dir, out_dir, settings = job
    n = 0
    for p in pairs:
        passages = align_pair(p, src_dir, susp_dir, settings)
        write_detections(out_dir, p, passages)
        n += len(passages)
    return n


def run_pan(pairs: list[PanPair], src_dir: str | Path, susp_dir: str | Path, out_dir: str | Path, *,
            workers: int | None = None, settings: AlignSettings = DEFAULTS,
            progress: Callable[[int], None] | None = None) -> int:
    """Align every pair, writing ``OUT_DIR/<susp-stem>-<src-stem>.xml``; returns the number of detections.

    ``workers`` processes (default: the CPU count; 1 runs in this process). ``progress(k)`` is called after
    each chunk of ``k`` pairs.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    chunks = [pairs[i : i + CHUNK] for i in range(0, len(pairs), CHUNK)]
    jobs = [(c, str(src_dir), str(susp_dir), str(out_dir), settings) for c in chunks]
    workers = workers or os.cpu_count() or 1
    total = 0
    if workers <= 1:
        for job in jobs:
            total += _work(job)
            if progress:
                progress(len(job[0]))
        return total
    with ProcessPoolExecutor(max_workers=workers) as ex:
        for job, n in zip(jobs, ex.map(_work, jobs)):
            total += n
            if progress:
                progress(len(job[0]))
    return total
