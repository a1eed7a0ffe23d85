"""``newstrace report --db FILE --out report.html``: the self-contained HTML report of a store."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from ..errors import NewstraceError
from ..store import DEFAULT_DB
from . import app
from .ingest import fail

err = Console(stderr=True, highlight=False)


@app.command()
def report(
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="DuckDB store to report on."),
    out: Path = typer.Option(Path("report.html"), "--out", help="HTML file to write."),
    title: str = typer.Option("newstrace report", "--title", help="Title of the page."),
) -> None:
    """Write one HTML file (works offline) with stories, provenance graphs, side-by-side reuse and quotations.

    Example: newstrace report --db newstrace.duckdb --out report.html
    """
    from ..report import write_report

    if not db.exists():
        fail(NewstraceError(f"no store at {db}"))
    try:
        path = write_report(db, out, title=title)
    except (NewstraceError, OSError) as e:
        fail(NewstraceError(str(e)))
    err.print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    typer.echo(str(path.resolve()))


def step_report(ctx) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """The ``demo`` step: write ``report.html`` beside the store and list it among the results."""
    from ..report import write_report
    from ..store import Store
    from ..views import Views

    with Store(ctx.db, read_only=True) as store:
        views = Views(store)
        path = write_report(views, ctx.out / "report.html", title=f"newstrace report: {ctx.corpus}")
        n_stories = len(views.stories())
    ctx.results.append(("report", path.resolve()))
    return [("report", "stories in the report", f"{n_stories}"), ("report", "report.html", f"{path}")]
