"""``newstrace demo``: the main job on a folder (``make demo`` runs it on ``examples/``), as a list of steps.

Each step takes the shared :class:`DemoContext` and returns rows for the summary table. Later stages add their
step to :data:`STEPS` (reuse, quotations, provenance, report), in pipeline order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.table import Table

from ..errors import NewstraceError
from ..store import Store
from . import app
from ._safe import safe
from .ingest import fail, run_ingest

console = Console(highlight=False)


@dataclass
class DemoContext:
    """What the steps share: the input folder, the output folder, the store path, and files worth opening."""

    corpus: Path
    out: Path
    db: Path
    results: list[tuple[str, Path]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


Row = tuple[str, str, str]  # (step, what, value)
Step = tuple[str, Callable[[DemoContext], list[Row]]]


def step_ingest(ctx: DemoContext) -> list[Row]:
    """Read the corpus into the store and count what was read."""
    report = run_ingest([str(ctx.corpus)], ctx.db, [])
    with Store(ctx.db, read_only=True) as s:
        outlets = s.stats()["outlets"]
        kinds = s.con.execute(
            "SELECT count(*) FILTER (WHERE title IS NOT NULL), count(*) FILTER (WHERE published IS NOT NULL) "
            "FROM articles").fetchall()[0]
    ctx.results.append(("store", ctx.db))
    ctx.tables.append(_articles_table(ctx.db))
    return [
        ("ingest", "records read", f"{report.read}"),
        ("ingest", "articles added (this run)", f"{report.articles}"),
        ("ingest", "duplicates (already stored)", f"{report.duplicates}"),
        ("ingest", "rejections", f"{report.rejections}"),
        ("ingest", "outlets", f"{outlets}"),
        ("ingest", "articles with title / date", f"{kinds[0]} / {kinds[1]}"),
    ]


def _articles_table(db: Path) -> Table:
    t = Table(title="articles read")
    for col in ("outlet", "published", "title", "words", "from"):
        t.add_column(col, justify="right" if col == "words" else "left", overflow="fold",
                     no_wrap=col == "published")
    with Store(db, read_only=True) as s:
        for a in s.articles():
            where = Path(a.origin.path).name + (f"!{a.origin.member}" if a.origin.member else "")
            where += f":{a.origin.line}" if a.origin.line else f"#{a.origin.record}" if a.origin.record else ""
            t.add_row(safe(a.outlet), a.published.isoformat()[:10] if a.published else "", safe(a.title),
                      str(len(a.text.split())), safe(where))
    return t


STEPS: list[Step] = [
    ("ingest", step_ingest),
    ("trace", lambda ctx: __import__("newstrace.cli.trace", fromlist=["step_trace"]).step_trace(ctx)),
    ("report", lambda ctx: __import__("newstrace.cli.report", fromlist=["step_report"]).step_report(ctx)),
]


@app.command()
def demo(
    corpus: Path = typer.Argument(Path("examples"), help="Folder of news to run on."),
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the store and results."),
) -> None:
    """Run the main job on a folder and print a summary and where the results are.

    Example: newstrace demo examples --out demo-out
    """
    if not corpus.exists():
        fail(NewstraceError(f"no such folder: {corpus}"))
    out.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(corpus=corpus, out=out, db=out / "newstrace.duckdb")
    table = Table(title=f"newstrace demo on {corpus}")
    for col in ("step", "what", "value"):
        table.add_column(col, justify="right" if col == "value" else "left")
    for name, run in STEPS:
        console.print(f"[bold]{name}[/bold] ...")
        try:
            for row in run(ctx):
                table.add_row(*row)
        except NewstraceError as e:
            fail(e)
    for extra in ctx.tables:
        console.print(extra)
    console.print(table)
    for what, path in ctx.results:
        console.print(f"{what}: {path}")
    console.print(f"look inside: newstrace stats --db {ctx.db}   |   newstrace export --db {ctx.db} "
                  f"--format jsonl {out / 'articles.jsonl'}")
