"""Reading JSON Lines with worker processes gives the same store rows as reading in one process; and the fast
language guess counts exactly what the word pattern finds."""

import gzip
import json

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

import importlib
from newstrace.read import jsonl
from newstrace.ingest import ingest

ingest_mod = importlib.import_module("newstrace.ingest")
from newstrace.read.lang import _counts, guess_language
from newstrace.tokens import STOPWORDS, WORD_RE

from .helpers import BODY


def _lines(n: int) -> bytes:
    """n records, with every kind of bad line among them."""
    out = []
    for i in range(n):
        if i % 17 == 3:
            out.append(b"{not json")
        elif i % 23 == 5:
            out.append(b"")  # blank: not a record
        elif i % 29 == 7:
            out.append(json.dumps({"text": "x" * 300, "id": i}).encode() + b"\xff\xfe broken")
        elif i % 31 == 11:
            out.append(json.dumps({"title": "no body"}).encode())
        elif i % 37 == 13:
            out.append(json.dumps({"text": "le maire a dit que le port rouvrira lundi " * 3, "id": i}).encode())
        elif i % 41 == 17:
            out.append(json.dumps({"text": BODY, "id": 0}).encode())  # a duplicate of record 0's id and text
        elif i % 43 == 19:
            out.append(json.dumps({"text": "y" * 5000, "id": i}).encode())  # over the (lowered) size limit
        else:
            out.append(json.dumps({"text": f"Report {i}. {BODY}", "outlet": "Island Times", "id": i,
                                   "date": f"2024-03-{1 + i % 28:02d}"}).encode())
    out[0] = json.dumps({"text": BODY, "id": 0}).encode()
    return b"\n".join(out) + b"\n"


def _rows(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (con.execute("SELECT * EXCLUDE (run) FROM articles ORDER BY seq").fetchall(),
                con.execute("SELECT * EXCLUDE (run) FROM rejections ORDER BY ALL").fetchall())
    finally:
        con.close()


@pytest.mark.parametrize("name", ["news.jsonl", "news.jsonl.gz"])
def test_parallel_reading_stores_the_same_rows(tmp_path, monkeypatch, name):
    data = _lines(600)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    monkeypatch.setattr(ingest_mod, "PARALLEL_MIN_BYTES", 0)  # a pool even for this small file
    monkeypatch.setattr(jsonl, "PARALLEL_BATCH_LINES", 7)  # many batches, several in flight
    from newstrace.read.settings import ReadSettings

    rs = ReadSettings(max_article_bytes=2000)
    serial = ingest([str(path)], db=tmp_path / "one.duckdb", workers=1, settings=rs)
    pooled = ingest([str(path)], db=tmp_path / "two.duckdb", workers=2, settings=rs)
    for r in (serial, pooled):
        assert r.balanced and r.rejections > 40 and r.duplicates > 5 and r.articles > 400
    assert (serial.read, serial.articles, serial.duplicates, serial.by_reason) == \
           (pooled.read, pooled.articles, pooled.duplicates, pooled.by_reason)
    one, two = _rows(tmp_path / "one.duckdb"), _rows(tmp_path / "two.duckdb")
    assert one == two and len(one[0]) == serial.articles and len(one[1]) == serial.rejections


def test_a_damaged_stream_loses_no_record_read_before_the_damage(tmp_path, monkeypatch):
    data = gzip.compress(_lines(600))
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])  # cut: the gzip stream ends in the middle of a line
    monkeypatch.setattr(ingest_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(jsonl, "PARALLEL_BATCH_LINES", 64)  # the damage falls inside a batch being filled
    serial = ingest([str(path)], db=tmp_path / "one.duckdb", workers=1)
    pooled = ingest([str(path)], db=tmp_path / "two.duckdb", workers=2)
    assert serial.by_reason.get("truncated") == 1 and serial.articles > 200
    assert (serial.read, serial.articles, serial.by_reason) == (pooled.read, pooled.articles, pooled.by_reason)
    assert _rows(tmp_path / "one.duckdb") == _rows(tmp_path / "two.duckdb")


def test_small_inputs_are_read_without_a_pool(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes(_lines(20))
    assert ingest_mod._pool(ingest_mod.expand([str(path)]).sources, 2) is None


def _reference(sample: str) -> tuple[int, int]:
    words = WORD_RE.findall(sample)
    return len(words), sum(w in STOPWORDS for w in words)


TRICKY = ["a..b c.d. 'tis don’t U.S. a-b-c -x- _a_ x__y 3.5% e.g. — ok (the) «of» “and,” it…",
          "naïve café ﬁne Ⅻ ²³ x\u0301y the\u00a0of", "😀 a.b the.", "...", "", "-- - ' ’ . the-", "of_the _of"]


@pytest.mark.parametrize("text", TRICKY)
def test_word_counts_match_the_pattern(text):
    assert _counts(text.lower()) == _reference(text.lower())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["the", "of", "and", "U.S.", "don’t", "-", "'", ".", ",", "“", "”", "x_y", "é",
                                 "Ⅻ", "2.5", "a-b", "—", "…", "(", ")", "\u0301", "😀", "word"]), max_size=40),
       st.lists(st.sampled_from([" ", "", "\n", "\t", "\u00a0"]), min_size=40, max_size=40))
def test_word_counts_match_the_pattern_on_generated_text(parts, gaps):
    text = "".join(p + g for p, g in zip(parts, gaps)).lower()
    assert _counts(text) == _reference(text)


def test_guess_language():
    assert guess_language(BODY) == "en"
    assert guess_language("le maire a dit que le port rouvrira lundi apres la tempete " * 3) is None
