"""``newstrace compare A B``: what two articles share, side by side (or one JSON object with ``--json``)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import NewstraceError
from ..reuse import Reuse, compare as compare_articles, read_article
from . import app
from ._safe import safe

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

# Characters of each side shown per passage in the terminal table (the JSON always has exact offsets).
EXCERPT = 220
_STYLE = {"verbatim": "green", "edited": "yellow", "paraphrase": "magenta"}


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def render(r: Reuse) -> Table:
    """The side-by-side table of a comparison."""
    t = Table(title=safe(f"A: {r.a.title or r.a.origin.describe()}   ↔   B: {r.b.title or r.b.origin.describe()}"),
              caption=f"A share {r.a_share:.0%} · B share {r.b_share:.0%} · {len(r.passages)} passages",
              show_lines=True)
    t.add_column("kind", no_wrap=True)
    t.add_column("sim", justify="right")
    t.add_column("A", overflow="fold", ratio=1)
    t.add_column("B", overflow="fold", ratio=1)
    for p in r.passages:
        t.add_row(Text(p.kind, style=_STYLE[p.kind]), f"{p.similarity:.2f}",
                  safe(_excerpt(r.a.text[p.a_start : p.a_end])), safe(_excerpt(r.b.text[p.b_start : p.b_end])))
    return t


def _op(d: dict) -> str:
    """One word-level edit as text: -deleted +inserted, or deleted→inserted."""
    if d.get("op") == "delete":
        return f"-[{d['a']}]"
    if d.get("op") == "insert":
        return f"+[{d['b']}]"
    return f"[{d.get('a', '')}]→[{d.get('b', '')}]"


def _who(side: dict) -> str:
    sp = side.get("speaker") or {}
    return sp.get("name") or sp.get("text") or "(no speaker)"


def render_meaning(r: Reuse) -> list:
    """Story, provenance and shared-quotation summaries of a full comparison (empty when not computed)."""
    f = r.fields
    if "direction" not in f:
        return []
    a_name, b_name = r.a.outlet or "A", r.b.outlet or "B"
    head = Text()
    head.append(f"story similarity {f['story_similarity']:.2f} · ")
    head.append("same story" if f["same_story"] else "different stories", style="bold")
    verdict = {"a->b": f"B derives from A ({a_name} → {b_name})", "b->a": f"A derives from B ({b_name} → {a_name})",
               "common-source": "both took from a common source" + (f": {f['common_source']}" if f["common_source"]
                                                                      else ""),
               "unknown": "direction unknown"}[f["direction"]]
    head.append(f"\nprovenance: {verdict}, confidence {f['confidence']:.2f}")
    if f["credited"] is not None:
        head.append(" · " + ("credited" if f["credited"] else "UNCREDITED"), style="green" if f["credited"] else "red")
    if f["churn"] is not None:
        head.append(f" · churn {f['churn']:.0%}")
    for e in f["evidence"]:
        head.append(f"\n  · {e['kind']}: {e['detail']}", style="dim")
    parts: list = [head]
    if f.get("quotes"):
        t = Table(title="quotations in both", show_lines=False)
        for col in ("match", "speaker in A", "speaker in B", "quotation (B)", "diff"):
            t.add_column(col, overflow="fold")
        for q in f["quotes"]:
            diff = " ".join(_op(d) for d in q["diff"] or [])
            t.add_row(q["match"] + (" [red]MISATTRIBUTED[/red]" if q["misattributed"] else ""), safe(_who(q["a"])),
                      safe(_who(q["b"])), safe(_excerpt(q["b"]["quoted"]["text"])), safe(_excerpt(diff)))
        parts.append(t)
    return parts


@app.command()
def compare(
    a: str = typer.Argument(..., help="First article: a file in any format the readers take, or '-'."),
    b: str = typer.Argument(..., help="Second article: a file in any format the readers take, or '-'."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the table."),
    accurate: bool = typer.Option(False, "--accurate", help="Find quotations with the slower, more accurate "
                                  "tagger (contextual word vectors; about a second per article)."),
) -> None:
    """Show the passages two articles share: verbatim, edited or paraphrased, with offsets.

    Example: newstrace compare report.txt rewrite.html --json
    """
    if a == "-" and b == "-":
        err.print("[red]error:[/red] only one of A and B can be '-'")
        raise typer.Exit(2)
    try:
        r = compare_articles(read_article(a), read_article(b), accurate=accurate)
    except NewstraceError as e:
        err.print(Text.assemble(("error: ", "red"), safe(str(e))))
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps(r.to_json(), ensure_ascii=False))
    else:
        out.print(render(r))
        for part in render_meaning(r):
            out.print(part)
