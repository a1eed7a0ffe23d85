"""Small builders for invented inputs used across the reader tests."""

from __future__ import annotations

import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.model import Article, Rejection
from newstrace.read import read

BODY = ("The ferry operator said on Monday that crossings to the island would resume after the storm. "
        "Passengers were told to check the timetable before travelling, a spokesperson said.")


def split(items):
    arts = [i for i in items if isinstance(i, Article)]
    rejs = [i for i in items if isinstance(i, Rejection)]
    assert len(arts) + len(rejs) == len(items)
    return arts, rejs


def read_all(*paths, **kw):
    return split(list(read([str(p) for p in paths], **kw)))


def page(title: str, body: str, site: str = "Island Times") -> bytes:
    return (f"<html><head><title>{title}</title><meta property='og:site_name' content='{site}'>"
            f"<meta property='article:published_time' content='2024-02-03T08:00:00+00:00'>"
            f"<script>var tracking = 'SCRIPT-TEXT';</script></head><body>"
            f"<nav><a href='/'>NAV-HOME</a> <a href='/sport'>NAV-SPORT</a></nav>"
            f"<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article>"
            f"<footer>FOOTER-TEXT</footer></body></html>").encode()


def warc(path: Path, records: list[tuple[str, bytes, str]], *, gzip: bool = True) -> Path:
    """A WARC with a warcinfo record, then one request + response per (url, payload, content type)."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gzip)
    w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
    for url, payload, ctype in records:
        w.write_record(w.create_warc_record(url, "request", http_headers=StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "x.example")], protocol="HTTP/1.1")))
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        rec = w.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http)
        rec.rec_headers.replace_header("WARC-Date", "2024-02-05T10:00:00Z")
        w.write_record(rec)
    path.write_bytes(buf.getvalue())
    return path


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
