"""``newstrace ingest``, ``stats`` and ``export``: thin faces over :func:`newstrace.ingest.ingest` and the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..errors import NewstraceError
from ..ingest import IngestReport, ingest as ingest_paths
from ..model import Rejection
from ..store import DEFAULT_DB, EXPORT_FORMATS, Store
from . import app
from ._safe import safe

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

# Rejection warnings printed before the rest are only counted (a run over a broken dump would flood the screen).
MAX_WARNINGS = 200


def fail(e: NewstraceError, code: int = 2) -> None:
    """Print one clear line for a library error and exit."""
    err.print(Text.assemble(("error: ", "red"), safe(str(e))))
    raise typer.Exit(code)


def report_table(report: IngestReport, title: str = "ingest") -> Table:
    t = Table(title=title, show_header=True)
    t.add_column("read", justify="right")
    t.add_column("articles", justify="right")
    t.add_column("duplicates", justify="right")
    t.add_column("rejections", justify="right")
    t.add_column("files", justify="right")
    t.add_column("seconds", justify="right")
    t.add_row(f"{report.read:,}", f"{report.articles:,}", f"{report.duplicates:,}", f"{report.rejections:,}",
              f"{report.files:,}", f"{report.seconds:.1f}")
    return t


def run_ingest(paths: list[str], db: Path, mapping: list[str], *, quiet: bool = False,
               workers: int = 0) -> IngestReport:
    """Ingest with a progress bar and one warning line per rejection (shared with ``demo``)."""
    warned = 0

    def warn(r: Rejection) -> None:
        nonlocal warned
        warned += 1
        if warned <= MAX_WARNINGS:
            err.print(Text.assemble(("rejected ", "yellow"), r.describe()), soft_wrap=True)
        elif warned == MAX_WARNINGS + 1:
            err.print(f"(more rejections: only counted; see the rejections table in {db})")

    with Progress(TextColumn("[bold]reading"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                  TextColumn("{task.fields[records]:,} records"), TimeElapsedColumn(), console=err, transient=True,
                  disable=quiet) as bar:
        task = bar.add_task("read", total=None, records=0)

        def progress(done: int, total: int, records: int) -> None:
            bar.update(task, completed=done, total=total, records=records)

        return ingest_paths(paths, db=db, mapping=mapping, on_rejection=warn, on_progress=progress, workers=workers)


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive), globs, or - for stdin."),
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="DuckDB store to add articles to."),
    map_: Optional[list[str]] = typer.Option(None, "--map", help="Field override, field=column (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
    workers: int = typer.Option(0, "--workers", help="Processes reading large JSON Lines inputs (0: all cores, "
                                "1: this one)."),
) -> None:
    """Read news files into the store: text, JSONL/JSON, CSV/TSV, Parquet, HTML, WARC, and .gz/.bz2/.xz/.zip.

    Example: newstrace ingest ../shared/data/seeds news.jsonl --db newstrace.duckdb --map text=body

    Ingesting the same input twice adds nothing. Each rejected record gets a warning on stderr and a stored row.

    Exit code 0 unless nothing at all could be read.
    """
    try:
        report = run_ingest(paths, db, map_ or [], quiet=as_json, workers=workers)
    except NewstraceError as e:
        fail(e)
    if report.skipped_files and not as_json:
        err.print(f"skipped {len(report.skipped_files)} file(s) of unknown kinds in folders, e.g. "
                  f"{report.skipped_files[0]} (name a file to read it anyway)", soft_wrap=True)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict()) + "\n")
    else:
        out.print(report_table(report))
        out.print(report.summary() + f" (store: {db})")
    if report.articles + report.duplicates == 0:
        raise typer.Exit(1)


@app.command()
def stats(
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="DuckDB store."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Counts in the store: articles, rejected records, outlets, ingest runs.

    Example: newstrace stats --db newstrace.duckdb --json
    """
    if not db.exists():
        fail(NewstraceError(f"no store at {db}"))
    try:
        with Store(db, read_only=True) as s:
            counts = s.stats()
    except NewstraceError as e:
        fail(e)
    if as_json:
        sys.stdout.write(json.dumps(counts) + "\n")
        return
    t = Table(title=str(db))
    for k in counts:
        t.add_column(k, justify="right")
    t.add_row(*(f"{v:,}" for v in counts.values()))
    out.print(t)


@app.command()
def export(
    out_path: Path = typer.Argument(..., metavar="OUT", help="File to write."),
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="DuckDB store."),
    format: str = typer.Option("parquet", "--format", help="parquet or jsonl."),
) -> None:
    """Write every stored article (text, metadata, offset map, origin) to Parquet or JSON Lines.

    Example: newstrace export --db newstrace.duckdb --format jsonl articles.jsonl
    """
    if format not in EXPORT_FORMATS:
        fail(NewstraceError(f"unknown format {format!r}; use one of {', '.join(EXPORT_FORMATS)}"))
    if not db.exists():
        fail(NewstraceError(f"no store at {db}"))
    try:
        with Store(db, read_only=True) as s:
            n = s.export(out_path, format=format)
    except (NewstraceError, OSError) as e:
        fail(NewstraceError(str(e)))
    err.print(f"wrote {n:,} articles to {out_path}")
