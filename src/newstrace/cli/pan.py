"""``newstrace pan PAIRS SRC_DIR SUSP_DIR OUT_DIR``: the standard PAN text-alignment interface."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.text import Text
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import NewstraceError
from ..pan import read_pairs, run_pan
from . import app
from ._safe import safe

err = Console(stderr=True, highlight=False)


@app.command()
def pan(
    pairs: Path = typer.Argument(..., help="PAN pairs file: one 'SUSP SRC' per line."),
    src_dir: Path = typer.Argument(..., help="Folder of source documents."),
    susp_dir: Path = typer.Argument(..., help="Folder of suspicious documents."),
    out_dir: Path = typer.Argument(..., help="Folder for one <susp>-<src>.xml per pair."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Processes (default: all cores)."),
) -> None:
    """Align every PAN pair and write detected-plagiarism XML files.

    Example: newstrace pan pan13/pairs pan13/src pan13/susp detections/
    """
    try:
        todo = read_pairs(pairs)
        t0 = time.perf_counter()
        with Progress(TextColumn("[bold]aligning"), BarColumn(), MofNCompleteColumn(), TextColumn("pairs"),
                      TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task("pairs", total=len(todo))
            n = run_pan(todo, src_dir, susp_dir, out_dir, workers=workers,
                        progress=lambda k: bar.advance(task, k))
    except NewstraceError as e:
        err.print(Text.assemble(("error: ", "red"), safe(str(e))))
        raise typer.Exit(2)
    err.print(f"{len(todo):,} pairs, {n:,} detections in {time.perf_counter() - t0:.1f} s → {out_dir}")
