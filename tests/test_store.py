import datetime as dt
import json

import duckdb
import pyarrow.parquet as pq
import pytest

from newstrace.errors import ConfigError, StoreError
from newstrace.model import Article, OffsetMap, Origin, Rejection, Segment
from newstrace.store import Store

UTC = dt.timezone.utc


def art(i: int, **kw) -> Article:
    base = dict(id=f"a{i}", text=f"Body number {i}.", origin=Origin("f.jsonl", line=i), outlet="Wire")
    return Article(**{**base, **kw})


def test_round_trip_keeps_every_field(tmp_path):
    a = art(1, title="T", url="https://x.example/1", published=dt.date(2024, 2, 3), language="en",
            offsets=OffsetMap([Segment(0, 10, 5, 5), Segment(5, 20, 10, 10)]),
            extras={"captions": [{"text": "c", "start": 1, "end": 2}]},
            origin=Origin("z.zip", member="in/f.jsonl", line=3, record=2, offset=99))
    b = art(2, published=dt.datetime(2024, 2, 3, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    with Store(tmp_path / "s.duckdb") as s:
        s.add_articles([a, b])
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        back = list(s.articles())
        assert back == [a, b]
        assert isinstance(back[0].published, dt.date) and not isinstance(back[0].published, dt.datetime)
        assert s.con.execute("SELECT published FROM articles WHERE id = 'a2'").fetchall()[0][0] == \
            dt.datetime(2024, 2, 3, 8, 30)  # stored in UTC for SQL


def test_duplicates_are_not_added_and_seq_grows():
    with Store(":memory:") as s:
        r1 = s.add_articles([art(1), art(2), art(1)])
        r2 = s.add_articles([art(2), art(3)])
        assert (r1.added, r1.duplicates, r2.added, r2.duplicates) == (2, 1, 1, 1)
        assert [a.id for a in s.articles(since_seq=2)] == ["a3"]
        assert [a.id for a in s.articles(["a3", "a1", "zz"])] == ["a1", "a3"]
        assert s.article("a2").text == "Body number 2." and s.article("nope") is None
        assert s.max_seq() == 3


def test_rejections_stats_and_runs():
    with Store(":memory:") as s:
        run = s.begin_run(["in"])
        s.add_articles([art(1), art(2, outlet="Other")], run=run)
        s.add_rejections([Rejection(Origin("f.jsonl", line=4), "malformed", "not JSON")], run=run)
        s.finish_run(run, read=3, articles=2, duplicates=0, rejections=1)
        assert s.stats() == {"articles": 2, "rejected": 1, "outlets": 2, "runs": 1}
        assert s.rejections(run)[0].describe() == "f.jsonl:4: malformed (not JSON)"


def test_ensure_schema_runs_once_per_version():
    with Store(":memory:") as s:
        ddl = ["CREATE TABLE IF NOT EXISTS reuse (a VARCHAR, b VARCHAR)"]
        assert s.ensure_schema("reuse", ddl) is True
        assert s.ensure_schema("reuse", ddl) is False
        assert s.ensure_schema("reuse", ddl + ["ALTER TABLE reuse ADD COLUMN score DOUBLE"], version=2) is True
        s.con.execute("INSERT INTO reuse VALUES (?, ?, ?)", ["a", "b", 0.5])


def test_export_parquet_and_jsonl(tmp_path):
    with Store(":memory:") as s:
        s.add_articles([art(1, published=dt.date(2024, 1, 2)), art(2)])
        assert s.export(tmp_path / "a.parquet") == 2
        assert s.export(tmp_path / "a.jsonl", format="jsonl") == 2
        with pytest.raises(ConfigError):
            s.export(tmp_path / "a.csv", format="csv")
    t = pq.read_table(tmp_path / "a.parquet")
    assert t.column("id").to_pylist() == ["a1", "a2"] and "offsets" in t.column_names
    rows = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert rows[0]["published"] == "2024-01-02" and rows[0]["text"] == "Body number 1."


def test_not_a_store_or_wrong_version(tmp_path):
    con = duckdb.connect(str(tmp_path / "other.duckdb"))
    con.execute("CREATE TABLE t (x INT)")
    con.close()
    with pytest.raises(StoreError):
        Store(tmp_path / "other.duckdb", read_only=True)
    with Store(tmp_path / "s.duckdb") as s:
        s.con.execute("UPDATE meta SET value = '99' WHERE key = 'schema:core'")
    with pytest.raises(StoreError, match="schema"):
        Store(tmp_path / "s.duckdb")
