"""``newstrace serve --db FILE``: the local web app (binds 127.0.0.1 unless told otherwise)."""

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
def serve(
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="DuckDB store to serve."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (127.0.0.1: this machine only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    read_only: bool = typer.Option(False, "--read-only", help="Never write to the store (lookup index in memory)."),
    max_upload: int = typer.Option(1_000_000, "--max-upload", help="Largest request body in bytes (uploads)."),
) -> None:
    """Browse stories, search, compare two articles, and find where a pasted text came from.

    Example: newstrace serve --db newstrace.duckdb --port 8000
    """
    import uvicorn

    from ..web import create_app

    try:
        web = create_app(db, read_only=read_only, max_upload_bytes=max_upload)
    except NewstraceError as e:
        fail(e)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning:[/yellow] serving on {host}: other machines can reach this app")
    err.print(f"newstrace: http://{'[' + host + ']' if ':' in host else host}:{port}/  (API: /docs, /openapi.json)")
    uvicorn.run(web, host=host, port=port, log_level="warning")
