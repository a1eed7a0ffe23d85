"""``newstrace query``: the stored articles a new text took from (a thin face over :mod:`newstrace.pipeline.query`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..errors import NewstraceError
from ..store import DEFAULT_DB, Store
from . import app
from ._safe import safe
from .ingest import fail

_out = Console(highlight=False)


def _is_file(arg: str) -> bool:
    try:
        return Path(arg).is_file()
    except OSError:  # a long text is no path
        return False


@app.command()
def query(
    text: str = typer.Argument(..., help="A file (any format the readers take), - for stdin, or the text itself."),
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="A store that newstrace trace has run on."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per source article (compare's shape)."),
) -> None:
    """Which stored articles a new text took from, with passages; the store is not changed.

    Example: newstrace query draft.txt --db newstrace.duckdb --json
    """
    from ..pipeline.query import query as run_query, query_json
    from ..reuse import read_article

    if not db.exists():
        fail(NewstraceError(f"no store at {db}"))
    try:
        item = read_article(text) if text == "-" or _is_file(text) else text
        with Store(db, read_only=True) as store:
            found = run_query(store, item)
    except NewstraceError as e:
        fail(e)
    if as_json:
        for r in found:
            sys.stdout.write(json.dumps(query_json(r), ensure_ascii=False) + "\n")
        return
    t = Table(title=f"sources of the query in {db}")
    for col in ("source", "published", "passages", "of source", "of query"):
        t.add_column(col, overflow="fold", justify="left" if col in ("source", "published") else "right")
    for r in found:
        a = r.a
        t.add_row(safe(f"{a.outlet or ''} ({a.id})"), a.published.isoformat()[:10] if a.published else "",
                  str(len(r.passages)), f"{r.a_share:.0%}", f"{r.b_share:.0%}")
    _out.print(t)
