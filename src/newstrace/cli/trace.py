"""``newstrace trace`` and ``export-table``: thin faces over :func:`newstrace.pipeline.run_pipeline`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.tree import Tree

from ..errors import NewstraceError
from ..model import Article
from ..store import DEFAULT_DB, Store
from . import app
from ._safe import visible
from .ingest import fail, run_ingest

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


def _plain(s: str) -> str:
    """Input text inside our markup: brackets escaped, bidirectional controls written out (see ._safe)."""
    return escape(visible(s))


def _label(a: Article | None, aid: str) -> str:
    if a is None:
        return _plain(aid)
    day = a.published.isoformat()[:16].replace("T", " ") if a.published else "undated"
    title = f" · {_plain(a.title)}" if a.title else ""
    return f"[bold]{_plain(a.outlet or 'unknown outlet')}[/bold] · {day}{title} [dim]({_plain(aid)})[/dim]"


def _short(a: Article | None, aid: str) -> str:
    return f"[bold]{_plain(a.outlet or aid) if a else _plain(aid)}[/bold] [dim]({_plain(aid)})[/dim]"


def _edge(lk: dict[str, Any]) -> str:
    credit = "[green]credited[/green]" if lk["credited"] else "[red bold]UNCREDITED[/red bold]"
    churn = "" if lk["churn"] is None else f", churn {lk['churn']:.0%}"
    return f"({credit}{churn}, confidence {lk['confidence']:.2f})"


def _dag(links: list[dict[str, Any]]) -> dict[str, list[tuple[str, dict]]]:
    """source -> [(derived, link)] of the directed links, cycles broken at the weakest link."""
    from ..provenance import Link, story_graph

    objs = [Link(lk["a_id"], lk["b_id"], lk["direction"], lk["confidence"], (), lk["credited"], lk["churn"])
            for lk in links if lk["direction"] in ("a->b", "b->a")]
    g = story_graph(objs)
    by_pair = {(lk["source"], lk["derived"]): lk for lk in links}
    out: dict[str, list[tuple[str, dict]]] = {}
    for u, v in sorted(g.edges()):
        out.setdefault(u, []).append((v, by_pair[u, v]))
    return out


def story_tree(sid: str, members: list[str], links: list[dict[str, Any]], arts: dict[str, Article]) -> Tree:
    """A Rich tree of one story: provenance source → derived, common sources, and unlinked articles."""
    tree = Tree(f"[bold]story[/bold] {sid} ({len(members)} article{'s' * (len(members) != 1)})")
    kids = _dag(links)
    derived = {v for vs in kids.values() for v, _ in vs}
    shown: set[str] = set()

    def grow(node: Tree, aid: str) -> None:
        shown.add(aid)
        for v, lk in kids.get(aid, []):
            sub = node.add(f"→ {_label(arts.get(v), v)}  {_edge(lk)}")
            if v not in shown:
                grow(sub, v)

    linked = {x for lk in links for x in (lk["a_id"], lk["b_id"])}
    for aid in members:
        if aid in kids and aid not in derived:
            grow(tree.add(f"{_label(arts.get(aid), aid)}  [cyan]source[/cyan]"), aid)
    parents: dict[str, set[str]] = {}
    for u, vs in kids.items():
        for v, _ in vs:
            parents.setdefault(v, set()).add(u)
    for lk in links:
        if lk["direction"] == "common-source":
            x, y = lk["a_id"], lk["b_id"]
            z = lk["common_source"] or min(parents.get(x, set()) & parents.get(y, set()), default=None)
            via = f"both took from {_short(arts.get(z), z)}" if z else "a source outside the corpus"
            tree.add(f"⇄ {_short(arts.get(x), x)} and {_short(arts.get(y), y)}: common source, {via} "
                     f"(confidence {lk['confidence']:.2f})")
    for aid in members:
        if aid not in linked:
            tree.add(f"{_label(arts.get(aid), aid)}  [yellow]independent (no shared text)[/yellow]")
    return tree


def _progress_bar(quiet: bool) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=_err, transient=True, disable=quiet)


def _print(store: Store, as_json: bool) -> None:
    from ..pipeline import link_json, load_links, load_stories, story_json

    links, stories = load_links(store), load_stories(store)
    if as_json:
        for lk in links:
            sys.stdout.write(json.dumps(link_json(lk), ensure_ascii=False) + "\n")
        for sid, members in stories.items():
            sys.stdout.write(json.dumps(story_json(sid, members), ensure_ascii=False) + "\n")
        return
    arts = {a.id: a for a in store.articles()}
    for sid, members in stories.items():
        inside = set(members)
        _out.print(story_tree(sid, members, [lk for lk in links if lk["a_id"] in inside or lk["b_id"] in inside],
                              arts))


@app.command()
def trace(
    paths: Optional[list[str]] = typer.Argument(None, help="Files, folders, globs to ingest first (optional)."),
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="DuckDB store (results are kept in it)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per link, then one per story."),
    workers: int = typer.Option(0, "--workers", help="Worker processes (0: all cores, 1: no pool)."),
    graphml: Optional[Path] = typer.Option(None, "--graphml", help="Also write the provenance graph as GraphML."),
    engine: str = typer.Option("local", "--engine", help="local (DuckDB + processes) or spark (PySpark: PATHs are "
                               "Parquet/JSONL paths or URIs, else the --db store; tables go to --out)."),
    master: str = typer.Option("local[*]", "--master", help="Spark master URL (--engine spark)."),
    out: Optional[str] = typer.Option(None, "--out", help="Folder or URI of the Parquet tables (--engine spark)."),
) -> None:
    """Ingest PATHs, then find reuse, quotations, provenance and stories across the store; print the trees.

    Example: newstrace trace examples --db newstrace.duckdb

    Re-running only does new work (new articles, new candidate pairs); a killed run resumes where it stopped.
    With --engine spark (e.g. --master local[*] --out DIR) the same stages run on Spark; a re-run skips the
    stages whose table is complete.
    """
    if engine != "local":
        from .spark import trace_spark

        return trace_spark(paths or [], db, out, master, as_json, engine=engine)
    from ..pipeline import EngineSettings, run_pipeline

    try:
        if paths:
            run_ingest(paths, db, [], quiet=as_json, workers=workers)
        elif not db.exists():
            fail(NewstraceError(f"no store at {db} (give PATHs to ingest)"))
        with Store(db) as store, _progress_bar(as_json) as bar:
            tasks: dict[str, Any] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            report = run_pipeline(store, settings=EngineSettings(workers=workers), on_progress=progress)
            bar.stop()
            _print(store, as_json)
            if graphml is not None:
                from ..pipeline.results import provenance_graph
                from ..provenance import write_graphml

                write_graphml(provenance_graph(store), str(graphml))
    except NewstraceError as e:
        fail(e)
    if not as_json:
        _err.print(f"{report.articles} articles ({report.new_articles} new), {report.candidates} candidate pairs "
                   f"({report.new_pairs} new), {report.reuse_pairs} with reuse, {report.links} links, "
                   f"{report.stories} stories in {report.seconds:.1f}s (store: {db})")
        if report.errors:
            _err.print(f"[yellow]{report.errors} unit(s) failed[/yellow] and were skipped: see the stage_errors table")


@app.command("export-table")
def export_table(
    table: str = typer.Argument(..., help="reuse, passages, quotes, credits, quote_matches, links, stories, "
                                          "candidates"),
    out: Path = typer.Argument(..., help="Output file."),
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="DuckDB store."),
    format: str = typer.Option("parquet", "--format", help="parquet or jsonl."),
) -> None:
    """Write one table of ``trace`` results as Parquet or JSON Lines (offsets: body, plus *src* columns).

    Example: newstrace export-table reuse reuse.parquet --db newstrace.duckdb
    """
    from ..pipeline import export_table as write

    if not db.exists():
        fail(NewstraceError(f"no store at {db}"))
    try:
        with Store(db, read_only=True) as store:
            n = write(store, table, out, format=format)
    except NewstraceError as e:
        fail(e)
    _err.print(f"{n} rows of {table} written to {out}")


def step_trace(ctx: Any) -> list[tuple[str, str, str]]:
    """The ``demo`` step: run the pipeline on the demo store and show the provenance trees."""
    from ..pipeline import EngineSettings, load_links, load_stories, run_pipeline

    with Store(ctx.db) as store:
        r = run_pipeline(store, settings=EngineSettings())
        links, stories = load_links(store), load_stories(store)
        arts = {a.id: a for a in store.articles()}
    for sid, members in stories.items():
        inside = set(members)
        mine = [lk for lk in links if lk["a_id"] in inside or lk["b_id"] in inside]
        ctx.tables.append(story_tree(sid, members, mine, arts))
    directed = [lk for lk in links if lk["source"]]
    return [
        ("trace", "candidate pairs (postings join)", f"{r.candidates}"),
        ("trace", "pairs with reuse", f"{r.reuse_pairs}"),
        ("trace", "provenance links: credited / uncredited",
         f"{sum(bool(lk['credited']) for lk in directed)} / {sum(not lk['credited'] for lk in directed)}"),
        ("trace", "common-source links", f"{sum(lk['direction'] == 'common-source' for lk in links)}"),
        ("trace", "stories", f"{r.stories}"),
        ("trace", "seconds", f"{r.seconds:.1f}"),
    ]
