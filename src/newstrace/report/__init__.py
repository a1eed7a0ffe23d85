"""The static report: one self-contained HTML file (styles, script and data inline) that works from disk.

Article-derived text reaches the page only as JSON inside ``<script type="application/json">``, escaped by
:func:`script_json` so no string can close the element, and the page script puts it in the DOM with
``textContent`` only. A Content-Security-Policy allows no network and no script but the page's own (by hash),
so even a bug in escaping could not run a planted script.

>>> from newstrace.store import Store
>>> html = render_report(Store(":memory:"))
>>> "<svg" in html or "nt-data" in html
True
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..store import Store
from ..views import Views
from .data import report_data

__all__ = ["render_report", "report_data", "script_json", "write_report"]

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(obj: Any) -> Markup:
    """``obj`` as JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028 and U+2029 escaped.

    >>> str(script_json({"t": "</script><b>&"}))
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in _ESCAPES.items():
        text = text.replace(ch, esc)
    return Markup(text)  # noqa: S704 (escaped for the script context above; never HTML-rendered)


def _asset(name: str) -> str:
    return files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


_env = Environment(loader=PackageLoader("newstrace.report", "templates"), autoescape=select_autoescape(default=True))


def render_report(source: Store | Views, *, title: str = "newstrace report") -> str:
    """The report of a store (or of prepared :class:`Views`) as one HTML string."""
    views = source if isinstance(source, Views) else Views(source)
    js, css = _asset("report.js"), _asset("report.css")
    return _env.get_template("report.html").render(
        title=title, data=script_json(report_data(views)), script=Markup(js), style=Markup(css),  # noqa: S704
        script_hash=_sha256(js), style_hash=_sha256(css))


def write_report(source: Store | Views | str | os.PathLike[str], out: str | os.PathLike[str], *,
                 title: str = "newstrace report") -> Path:
    """Write the report of ``source`` (a store, its path, or Views) to ``out``; returns the path written."""
    if isinstance(source, (str, os.PathLike)):
        with Store(source, read_only=True) as store:
            html = render_report(store, title=title)
    else:
        html = render_report(source, title=title)
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
