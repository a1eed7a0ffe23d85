"""``newstrace quotes``: a thin face over :func:`newstrace.quotes.quotes` and :func:`newstrace.quotes.credits`."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import NewstraceError
from ..model import Article, Rejection
from . import app
from ._safe import safe

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


def _short(s: str, n: int = 90) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def quote_lines(article: Article, *, roles: bool = False, accurate: bool = False) -> list[dict]:
    """The ``--json`` lines of one article: one per quotation, then one per credit (source offsets).

    ``roles=True`` adds each speaker's role (for the table; the JSON lines keep the issue's exact shape);
    ``accurate=True`` runs the slower, more accurate tagger mode.
    """
    from ..quotes import credits, quotes

    head = {"article": article.id, "path": article.origin.describe()}
    rows = []
    for q in quotes(article, accurate=accurate):
        row = dict(head, **q.to_json(article))
        if roles and row["speaker"] is not None and q.role:
            row["speaker"]["role"] = q.role
        rows.append(row)
    return rows + [dict(head, credit=c.to_json(article)) for c in credits(article)]


def _table(article: Article, rows: list[dict]) -> Table:
    t = Table(title=safe(f"{article.origin.describe()} ({article.id})"), show_lines=False)
    for col in ("kind", "speaker", "cue", "content", "to"):
        t.add_column(col, overflow="fold")
    for r in rows:
        if "credit" in r:
            c = r["credit"]
            t.add_row("credit", safe(c["outlet"]), "", safe(_short(c["text"])), "")
            continue
        sp = r["speaker"] or {}
        who = sp.get("name") or sp.get("text") or "—"
        if sp.get("role"):
            who += f" ({sp['role']})"
        t.add_row(r["kind"], safe(who), safe((r["cue"] or {}).get("text", "")), safe(_short(r["content"]["text"])),
                  safe((r["addressee"] or {}).get("text", "")))
    return t


@app.command()
def quotes(
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive), globs, or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line instead of a table."),
    accurate: bool = typer.Option(False, "--accurate", help="Slower, more accurate tagging with contextual word "
                                  "vectors (about one article/s; needs requirements-accurate.txt installed)."),
) -> None:
    """List quotations (speaker, cue, content, addressee) and outlet credits in news files.

    Example: newstrace quotes ../shared/data/seeds --json
    """
    from ..read import read

    try:
        for item in read(paths):
            if isinstance(item, Rejection):
                _err.print(Text.assemble(("rejected ", "yellow"), safe(item.describe())))
                continue
            if as_json:
                for r in quote_lines(item, accurate=accurate):
                    typer.echo(json.dumps(r, ensure_ascii=False))
            else:
                _out.print(_table(item, quote_lines(item, roles=True, accurate=accurate)))
    except NewstraceError as e:
        _err.print(Text.assemble(("error: ", "red"), safe(str(e))))
        raise typer.Exit(2)
