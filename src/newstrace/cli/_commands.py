"""Imports every command module so that each registers its commands on the Typer app."""

# One import per command module; add yours on its own line.
from . import ingest  # noqa: F401  (ingest, stats, export)
from . import demo  # noqa: F401  (demo)
from . import compare  # noqa: F401  (compare)
from . import pan  # noqa: F401  (pan)
from . import quotes  # noqa: F401  (quotes)
from . import trace  # noqa: F401  (trace, export-table)
from . import report  # noqa: F401  (report)
from . import serve  # noqa: F401  (serve)
from . import query  # noqa: F401  (query)
