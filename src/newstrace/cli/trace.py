"""``newstrace trace``: ingest, then find reuse (and later quotes, provenance and stories) across the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from ..errors import NewstraceError
from ..store import DEFAULT_DB, Store
from . import app
from .ingest import fail, run_ingest

_out = Console(highlight=False)


@app.command()
def trace(
    paths: Optional[list[str]] = typer.Argument(None, help="Files, folders, globs to ingest first (optional)."),
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="DuckDB store."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    workers: int = typer.Option(0, "--workers", help="Worker processes (0: all cores)."),
) -> None:
    """Ingest PATHs, then trace reuse across every article in the store.

    Example: newstrace trace examples --db newstrace.duckdb
    """
    from ..candidates import candidate_pairs
    from ..fingerprint import postings
    from ..reuse import compare

    try:
        if paths:
            run_ingest(paths, db, [], quiet=as_json)
        with Store(db, read_only=True) as s:
            arts = list(s.articles())
        cands = candidate_pairs(postings([a.text for a in arts]))
        for i, j in sorted(cands.pairs()):
            r = compare(arts[i], arts[j])
            if not r.passages:
                continue
            row = {"a": arts[i].id, "b": arts[j].id, "a_share": r.a_share, "b_share": r.b_share,
                   "n_passages": len(r.passages)}
            if as_json:
                typer.echo(json.dumps(row))
            else:
                _out.print(row)
    except NewstraceError as e:
        fail(e)
