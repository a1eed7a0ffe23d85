import datetime as dt

from .helpers import BODY, page, read_all, warc


def test_html_main_text_title_site_and_date(tmp_path):
    p = tmp_path / "page.html"
    p.write_bytes(page("Ferries resume after storm", BODY))
    arts, rejs = read_all(p)
    assert not rejs
    a = arts[0]
    assert a.title == "Ferries resume after storm" and a.outlet == "Island Times"
    assert a.published == dt.datetime(2024, 2, 3, 8, tzinfo=dt.timezone.utc)  # the meta tag's time, not just the day
    assert BODY in a.text
    for junk in ("SCRIPT-TEXT", "NAV-HOME", "FOOTER-TEXT", "Ferries resume after storm"):
        assert junk not in a.text
    assert a.extras["headline"][0]["text"] == "Ferries resume after storm"


def test_html_without_main_text_is_empty(tmp_path):
    p = tmp_path / "blank.htm"
    p.write_bytes(b"<html><head><title>x</title></head><body><script>var a=1;</script></body></html>")
    arts, rejs = read_all(p)
    assert not arts and rejs[0].reason == "empty"


def test_warc_html_records_url_and_fallback_date(tmp_path):
    p = warc(tmp_path / "crawl.warc.gz", [
        ("https://x.example/a", page("Ferries resume", BODY), "text/html; charset=utf-8"),
        ("https://x.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        ("https://x.example/b", b"<html><body><article><p>" + BODY.encode() * 2 + b"</p></article></body></html>",
         "text/html"),
    ])
    arts, rejs = read_all(p)
    assert [a.url for a in arts] == ["https://x.example/a", "https://x.example/b"]
    assert arts[1].published == dt.datetime(2024, 2, 5, 10, tzinfo=dt.timezone.utc)  # from WARC-Date
    assert arts[0].origin.record == 1 and arts[0].origin.offset > 0
    assert [(r.reason, r.origin.record) for r in rejs] == [("unsupported", 2)]


def test_uncompressed_warc_is_sniffed_without_extension(tmp_path):
    p = warc(tmp_path / "crawl", [("https://x.example/a", page("T", BODY), "text/html")], gzip=False)
    arts, _ = read_all(p)
    assert len(arts) == 1
