"""The ``newstrace`` command line: a thin Typer face over the library. Each command lives in its own module."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="newstrace",
    help="Trace where news text came from: stories, reuse, quotations, credits and provenance.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def main() -> None:
    """Entry point of the ``newstrace`` script."""
    app()


# Command modules register themselves on ``app`` when imported (one line per module, kept sorted).
from . import _commands  # noqa: E402,F401


@app.command()
def version() -> None:
    """Print the newstrace version.

    Example: newstrace version
    """
    from .. import __version__

    typer.echo(__version__)
