"""Property tests: hostile input never raises, and every record is counted exactly once."""

import io
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from newstrace.ingest import ingest
from newstrace.model import Article, Rejection
from newstrace.read import Source, read_source
from newstrace.store import Store

NAMES = ["x.txt", "x.jsonl", "x.json", "x.csv", "x.tsv", "x.html", "x.warc", "x.warc.gz", "x.gz", "x.zip",
         "x.parquet", "x.bz2", "x.xz", "x"]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def items(name: str, data: bytes):
    return list(read_source(Source(path=name, name=name, open=lambda: io.BytesIO(data))))


@FAST
@given(st.sampled_from(NAMES), st.binary(max_size=2000))
def test_random_bytes_never_raise(name, data):
    out = items(name, data)
    assert all(isinstance(i, (Article, Rejection)) for i in out)


@FAST
@given(st.sampled_from(NAMES), st.sampled_from([b"\x1f\x8b\x08\x00", b"PK\x03\x04", b"WARC/1.0\r\n", b"PAR1",
                                                b"BZh91AY", b"\xfd7zXZ\x00", b"<html><body>", b"[", b"{"]),
       st.binary(max_size=1000))
def test_random_bytes_after_a_signature_never_raise(name, magic, data):
    assert all(isinstance(i, (Article, Rejection)) for i in items(name, magic + data))


JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                          lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                          max_leaves=8)
JSONL_LINE = st.one_of(
    st.dictionaries(st.sampled_from(["text", "body", "title", "date", "id", "url", "source", "x"]), JSON_VALUE,
                    max_size=5).map(json.dumps),
    st.text(max_size=80),
)


@FAST
@given(st.lists(JSONL_LINE, max_size=12))
def test_random_jsonl_lines_are_each_counted(lines):
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    out = items("x.jsonl", data)
    records = sum(1 for line in data.split(b"\n") if line.strip())
    assert len(out) == records


CSV_CELL = st.text(st.sampled_from('ab ,;"\n\r\t1é'), max_size=12)


@FAST
@given(st.lists(st.lists(CSV_CELL, min_size=1, max_size=4), max_size=10))
def test_random_csv_rows_never_raise(rows):
    data = ("id,text,title\n" + "\n".join(",".join(r) for r in rows)).encode()
    assert all(isinstance(i, (Article, Rejection)) for i in items("x.csv", data))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["a.txt", "b.jsonl", "c.csv", "d.html", "e.gz"]), st.binary(max_size=300)
                          | JSONL_LINE.map(str.encode)), max_size=6))
def test_count_identity_holds_through_the_store(tmp_path_factory, files):
    d = tmp_path_factory.mktemp("in")
    for i, (name, data) in enumerate(files):
        (d / f"{i}{name}").write_bytes(data)
        (d / f"{i}copy{name}").write_bytes(data)  # a copy: its articles come back as duplicates
    with Store(":memory:") as store:
        report = ingest([str(d)], db=store)
        assert report.read == report.articles + report.duplicates + report.rejections
        assert store.stats()["articles"] == report.articles
        assert store.stats()["rejected"] == report.rejections
