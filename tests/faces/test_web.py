"""The web app through its HTTP interface: pages, /api/, lookup, upload limits and escaping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import warnings

import pytest

with warnings.catch_warnings():  # starlette asks for httpx2, which the test extra does not install
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from newstrace.web import create_app

from .conftest import HOSTILE, PWN, REPO

WIRE = REPO / "examples" / "northshore-wire" / "2025-03-11_varrow-silo-fire.txt"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, store_path: Path) -> Iterator[TestClient]:
    import shutil

    db = tmp_path_factory.mktemp("web") / "web.duckdb"
    shutil.copy(store_path, db)
    with TestClient(create_app(db, max_upload_bytes=200_000)) as c:
        yield c


def _fire(client: TestClient) -> dict:
    stories = client.get("/api/stories").json()["stories"]
    sid = max(stories, key=lambda s: len(s["articles"]))["id"]
    return client.get("/api/story", params={"id": sid}).json()


def test_api_story_and_pages(client: TestClient) -> None:
    story = _fire(client)
    outlets = {a["outlet"] for a in story["articles"]}
    assert {"Northshore Wire", "Varrow Evening Post"} <= outlets
    assert any(lk["credited"] for lk in story["links"])
    page = client.get("/story", params={"id": story["id"]})
    assert page.status_code == 200 and page.text.count('class="edge credited"') >= 1
    assert 'class="edge uncredited"' in page.text and "<svg" in page.text
    assert client.get("/").status_code == 200
    assert client.get("/story", params={"id": "nope"}).status_code == 404
    assert client.get("/api/story", params={"id": "nope"}).status_code == 404


def test_compare_page_and_api(client: TestClient) -> None:
    story = _fire(client)
    lk = next(lk for lk in story["links"] if lk["credited"])
    j = client.get("/api/compare", params={"a": lk["a"], "b": lk["b"]}).json()
    assert j["passages"] and j["quote_matches"] and j["link"]["credited"] is True
    html = client.get("/compare", params={"a": lk["a"], "b": lk["b"]}).text
    left, right = html.split('id="pb"')
    assert 'class="p verbatim"' in left and 'class="p verbatim"' in right
    assert " q" in left.split('id="pa"')[1] and 'data-q="0"' in right
    assert client.get("/api/compare", params={"a": lk["a"], "b": "missing"}).status_code == 404


def test_article_and_search(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "library", "outlet": "gazette"}).json()["results"]
    assert [h["outlet"] for h in hits] == ["Harbour Gazette"]
    art = client.get("/api/article", params={"id": hits[0]["id"]}).json()
    assert "library" in art["text"] and art["story"] and art["quotes"]
    assert client.get("/api/search", params={"since": "yesterday"}).status_code == 422
    page = client.get("/search", params={"q": "silo", "since": "2025-03-13", "until": "2025-03-13"})
    assert "The Maritime Ledger" in page.text and "Coastline Daily" not in page.text


def test_where_finds_the_sources(client: TestClient) -> None:
    text = WIRE.read_text(encoding="utf-8")[150:2600]
    found = client.post("/api/where", data={"text": text}).json()["sources"]
    assert found[0]["article"]["outlet"] == "Northshore Wire" and found[0]["query_share"] > 0.9
    assert {"Coastline Daily", "Varrow Evening Post"} <= {s["article"]["outlet"] for s in found}
    p = found[0]["passages"][0]
    assert text[p["a_start"]:p["a_end"]].strip()
    page = client.post("/where", data={"text": text}).text
    assert page.count('class="p ') > 4
    assert client.post("/api/where", data={"text": "  "}).status_code == 422


def test_upload_is_read_from_memory_never_opened(client: TestClient) -> None:
    body = WIRE.read_bytes()
    r = client.post("/api/where", files={"file": ("../../../../etc/passwd", body, "text/plain")})
    assert r.status_code == 200 and r.json()["sources"][0]["article"]["outlet"] == "Northshore Wire"
    r = client.post("/api/where", files={"file": (str(WIRE), b"\x00\x01\x02" * 100, "application/octet-stream")})
    assert r.status_code == 422 and "no article" in r.json()["detail"]
    html = b"<html><body><article><p>" + body[150:2000] + b"</p></article></body></html>"
    r = client.post("/api/where", files={"file": ("page.html", html, "text/html")})
    assert r.status_code == 200 and r.json()["sources"]


def test_upload_limit(client: TestClient) -> None:
    r = client.post("/api/where", files={"file": ("big.txt", b"word " * 60_000, "text/plain")})
    assert r.status_code == 413 and "limit is 200,000 bytes" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams
        for _ in range(30):
            yield b"text=" + b"x" * 10_000

    r = client.post("/api/where", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_hostile_articles_are_escaped(client: TestClient) -> None:
    hostile = client.get("/api/search", params={"q": "pontoons"}).json()["results"]
    assert {h["id"] for h in hostile} == {h["id"] for h in HOSTILE}
    assert all(h["url"] is None or h["url"].startswith("https://") for h in hostile)
    pages = [client.get("/article", params={"id": h["id"]}).text for h in hostile]
    pages.append(client.get("/compare", params={"a": HOSTILE[0]["id"], "b": HOSTILE[1]["id"]}).text)
    pages.append(client.get("/search", params={"q": "pontoons"}).text)
    sid = client.get("/api/article", params={"id": HOSTILE[0]["id"]}).json()["story"]
    pages.append(client.get("/story", params={"id": sid}).text)
    for html in pages:
        assert "<script>" + PWN not in html and "<img src=x" not in html and "<svg onload" not in html
        assert not re.search(r"""<[^>]+\son\w+=""", html)  # no event-handler attribute in any tag
        assert 'href="javascript:' not in html.lower() and "&lt;script&gt;" in html


def test_security_headers_and_openapi(client: TestClient) -> None:
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/story", "/api/article", "/api/search", "/api/compare", "/api/where"} <= set(paths)


def test_where_index_persists_and_read_only_falls_back(writable_store: Path) -> None:
    from newstrace.store import Store
    from newstrace.web.where import WhereIndex

    text = WIRE.read_text(encoding="utf-8")[150:2600]
    with Store(writable_store) as s:
        first = WhereIndex(s)
        assert first.indexed == s.stats()["articles"] and first.lookup(text)
    with Store(writable_store) as s:
        assert WhereIndex(s).indexed == 0  # the index was kept in the store
    with Store(writable_store, read_only=True) as s:
        again = WhereIndex(s)  # cannot write: indexes in memory
        assert again.indexed == s.stats()["articles"]
        assert again.lookup(text)[0].article.outlet == "Northshore Wire"


def test_cli_serve_binds_localhost_by_default(monkeypatch: pytest.MonkeyPatch, writable_store: Path) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from newstrace.cli import app

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: seen.update(kw))
    res = CliRunner().invoke(app, ["serve", "--db", str(writable_store), "--port", "8123"])
    assert res.exit_code == 0, res.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8123
    res = CliRunner().invoke(app, ["serve", "--db", str(writable_store.parent / "none.duckdb")])
    assert res.exit_code == 2 and "no store" in res.output
