"""The report and the app in headless Chromium (Playwright driving Debian's /usr/bin/chromium, never a download).

Each test saves screenshots under its tmp_path. Skips when chromium or playwright is missing (``.ci/install-browser``
installs chromium; the ``test`` extra installs playwright).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest

from .conftest import HOSTILE, REPO

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"chromium not found at {CHROMIUM} (install it with .ci/install-browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@dataclass
class Tab:
    """A page with what it did that it should not: dialogs, script errors, requests off this machine."""

    page: Any
    out: Path
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def shot(self, name: str) -> Path:
        path = self.out / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        self.page.wait_for_timeout(200)  # let any image error handler fire
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert self.dialogs == [] and self.errors == [] and self.foreign == []


@pytest.fixture()
def tab(browser: Any, tmp_path: Path) -> Iterator[Tab]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    t = Tab(ctx.new_page(), tmp_path)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file://", "http://127.0.0.1:", "data:")):
            r.continue_()
        else:
            t.foreign.append(url)
            r.abort()

    ctx.route("**/*", route)
    t.page.on("dialog", lambda d: (t.dialogs.append(d.message), d.dismiss()))
    t.page.on("pageerror", lambda e: t.errors.append(str(e)))
    yield t
    ctx.close()


def _check_pair(t: Tab) -> None:
    p = t.page
    for side in ("#pa", "#pb"):
        assert p.locator(f"{side} mark.p").count() > 0
        assert p.locator(f"{side} mark.q").count() > 0
    assert p.locator("#pa mark.verbatim").count() > 0
    p.locator("#pb mark.p").first.click()
    assert p.locator("#pa mark.flash").count() > 0 and p.locator("#pb mark.flash").count() > 0


def test_report_from_disk(tab: Tab, report_path: Path) -> None:
    p = tab.page
    p.goto(report_path.as_uri())
    assert p.locator("#stories li").count() >= 3
    tab.shot("report-home")
    p.locator("#stories a", has_text="Fire at Varrow").click()
    assert p.locator("#story svg.graph path.edge.credited").count() >= 1
    assert p.locator("#story svg.graph path.edge.uncredited").count() >= 1
    assert p.locator("#story svg.graph g.node").count() >= 5
    tab.shot("report-story")
    row = p.locator("#story tr", has_text="→ Varrow Evening Post").filter(has_text="yes")
    row.locator("a", has_text="side by side").click()
    assert "Side by side" in p.locator("#pair h2").inner_text()
    _check_pair(tab)
    tab.shot("report-pair")
    p.go_back()
    assert p.locator("#story").is_visible()
    tab.assert_clean()


def test_report_hostile_article_never_runs(tab: Tab, report_path: Path) -> None:
    p = tab.page
    p.goto(report_path.as_uri())
    p.locator("#stories a", has_text="Levy vote").click()
    assert "<script>" in p.locator("#story h2").inner_text()  # shown as text
    assert p.locator("#story a[href^='javascript']").count() == 0
    p.locator("#story summary").first.click()  # expand quotations
    p.locator("#story a", has_text="side by side").first.click()
    assert "</script>" in p.locator("#pa").inner_text() + p.locator("#pb").inner_text()
    assert p.evaluate("document.querySelectorAll('script').length") == 2
    assert p.evaluate("document.querySelectorAll('img, svg[onload], [onerror], [onmouseover]').length") == 0
    tab.shot("report-hostile")
    tab.assert_clean()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, store_path: Path) -> Iterator[str]:
    import uvicorn

    from newstrace.web import create_app

    db = tmp_path_factory.mktemp("live") / "live.duckdb"
    shutil.copy(store_path, db)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_app_story_compare_and_where(tab: Tab, live_app: str) -> None:
    p = tab.page
    p.goto(live_app + "/")
    tab.shot("app-stories")
    p.locator("ol.stories a", has_text="Fire at Varrow").click()
    assert p.locator("svg.graph path.edge.credited").count() >= 1
    tab.shot("app-story")
    p.locator("tr", has_text="Varrow Evening Post").filter(has_text="yes").locator("a.cmp").first.click()
    _check_pair(tab)
    tab.shot("app-compare")
    p.goto(live_app + "/where")
    text = (REPO / "examples" / "northshore-wire" / "2025-03-11_varrow-silo-fire.txt").read_text()[150:2400]
    p.fill("textarea[name=text]", text)
    p.locator("form.where button").click()
    assert "source(s) found" in p.locator("h2").first.inner_text()
    assert p.locator("section.source").first.locator("mark.p").count() > 2
    tab.shot("app-where")
    tab.assert_clean()


def test_app_hostile_pages_never_run(tab: Tab, live_app: str) -> None:
    p = tab.page
    p.goto(live_app + "/search?" + urlencode({"q": "pontoons"}))
    assert p.locator("ol.results li").count() == 2
    for h in HOSTILE:
        p.goto(live_app + "/article?" + urlencode({"id": h["id"]}))
        assert "<script>" in p.locator("main").inner_text()
        tab.assert_clean()
    p.goto(live_app + "/compare?" + urlencode({"a": HOSTILE[0]["id"], "b": HOSTILE[1]["id"]}))
    assert p.locator("#pa mark.p").count() > 0 and p.locator("#pb mark.p").count() > 0
    assert p.locator("a[href^='javascript']").count() == 0
    tab.shot("app-hostile-compare")
    p.goto(live_app + "/story?" + urlencode({"id": _story_id(live_app)}))
    tab.shot("app-hostile-story")
    tab.assert_clean()


def _story_id(base: str) -> str:
    import json
    from urllib.request import urlopen

    with urlopen(base + "/api/article?" + urlencode({"id": HOSTILE[0]["id"]})) as r:  # noqa: S310 (local app)
        return json.load(r)["story"]
