"""Fixtures for the faces: a store of the example corpus plus invented hostile articles, its views and report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newstrace import ingest
from newstrace.store import Store
from newstrace.views import Views

REPO = Path(__file__).resolve().parents[2]
PWN = "window.__pwned=1"

# Invented hostile articles: markup, event handlers, script-closing strings, a javascript: URL, broken markup and
# U+2028/U+2029 in title, outlet, URL and text. The second copies the first, so the pair gets a side-by-side view.
_HOSTILE_BODY = (
    "The harbour board of Quillmouth met on Friday <script>" + PWN + "</script> to vote on the ferry levy. "
    "Board chair Odile Brask said the levy of <img src=x onerror=\"" + PWN + "\"> four crowns would fund new "
    "pontoons before winter.\u2028 \"We cannot keep patching the old decks,\" Brask said </script><script>" + PWN +
    "</script>. Ferry captains objected <b onmouseover=alert(1)>loudly</b> and warned that fares would rise "
    "across the estuary by the spring <div><p>unclosed <a href=\"javascript:" + PWN + "\">link\u2029 "
    "The board will publish the full budget for the pontoon works next month, the chair told reporters at the quay."
)
HOSTILE = [
    {"id": "hostile-1", "title": "</title><script>" + PWN + "</script> Levy vote", "outlet":
     "<img src=x onerror=" + PWN + ">Quill Post", "url": "javascript:" + PWN, "published": "2025-04-01T08:00:00Z",
     "text": _HOSTILE_BODY},
    {"id": "hostile-2\"><script>" + PWN + "</script>", "title": "Ferry levy <svg onload=" + PWN + ">",
     "outlet": "Estuary Times</script>", "url": "https://estuary.example/levy?a=1&b=<x>",
     "published": "2025-04-02T09:00:00Z",
     "text": "Estuary Times reports: " + _HOSTILE_BODY + " Captains plan a meeting on Monday."},
]


def _build(tmp: Path, with_hostile: bool = True) -> Path:
    db = tmp / "faces.duckdb"
    inputs = [str(REPO / "examples")]
    if with_hostile:
        f = tmp / "hostile.jsonl"
        f.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE), encoding="utf-8")
        inputs.append(str(f))
    ingest(inputs, db=db)
    return db


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of examples/ plus the hostile articles (built once; copy it before writing)."""
    return _build(tmp_path_factory.mktemp("faces-store"))


@pytest.fixture(scope="session")
def views(store_path: Path) -> Views:
    """Views over the session store, computed on the fly (read-only)."""
    return Views(Store(store_path, read_only=True))


@pytest.fixture(scope="session")
def report_path(tmp_path_factory: pytest.TempPathFactory, views: Views) -> Path:
    from newstrace.report import write_report

    return write_report(views, tmp_path_factory.mktemp("faces-report") / "report.html")


@pytest.fixture()
def writable_store(store_path: Path, tmp_path: Path) -> Path:
    """A copy of the session store the test may write to."""
    dst = tmp_path / "copy.duckdb"
    shutil.copy(store_path, dst)
    return dst
