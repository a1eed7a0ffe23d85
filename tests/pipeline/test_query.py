"""``newstrace query``: the stored articles a new text took from, found through the stored fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gen import corpus
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.errors import StoreError
from newstrace.pipeline import EngineSettings, run_pipeline
from newstrace.pipeline.query import query
from newstrace.store import Store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("q") / "q.duckdb"
    with Store(db) as s:
        s.add_articles(corpus(4, seed=3, copies=1))
        run_pipeline(s, settings=EngineSettings(workers=1))
    return db


def test_query_finds_the_source_and_its_copy(store_path: Path) -> None:
    arts = corpus(4, seed=3, copies=1)
    orig = next(a for a in arts if a.id == "s002-orig")
    text = "A new lead paragraph written for the query. " + orig.text[len(orig.text) // 3:]
    with Store(store_path, read_only=True) as s:
        found = query(s, text)
        n = s.con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    ids = [r.a.id for r in found]
    assert ids[0] in ("s002-orig", "s002-copy0") and "s002-orig" in ids
    assert all(i.startswith("s002-") for i in ids)
    best = next(r for r in found if r.a.id == "s002-orig")
    assert best.b_share > 0.8 and best.passages[0].b_start < best.passages[0].b_end
    assert n == len(arts)  # the query was not stored


def test_query_cli_json_and_untraced_store(store_path: Path, tmp_path: Path) -> None:
    text = corpus(4, seed=3, copies=1)[0].text
    res = CliRunner().invoke(app, ["query", text, "--db", str(store_path), "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert rows and {"a", "b", "passages", "reuse"} <= set(rows[0]) and rows[0]["a"]["id"] == "s000-orig"
    with Store(tmp_path / "empty.duckdb") as s, pytest.raises(StoreError):
        query(s, text)


def test_the_fingerprint_index_changes_speed_not_answers(store_path: Path, tmp_path: Path) -> None:
    """The trace run indexes the postings by hash; a query gives the same sources without the index (a scan),
    and leaves the connection's optimizer settings as they were."""
    import shutil

    arts = corpus(4, seed=3, copies=1)
    texts = ["Opening words of a query. " + a.text[len(a.text) // 4:] for a in arts[::3]]
    bare = tmp_path / "bare.duckdb"
    shutil.copy(store_path, bare)
    with Store(bare) as s:
        assert s.con.execute("SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'fingerprints_hash'"
                             ).fetchall()[0][0] == 1
        s.con.execute("DROP INDEX fingerprints_hash")
        s.con.execute("SET disabled_optimizers = 'join_order'")
        without = [[(r.a.id, r.passages) for r in query(s, t)] for t in texts]
        assert s.con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0] == "join_order"
    with Store(store_path, read_only=True) as s:
        indexed = [[(r.a.id, r.passages) for r in query(s, t)] for t in texts]
    assert indexed == without and any(indexed)


def test_a_failed_index_warns_and_the_run_still_finishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is built in a thread beside the links step: when DuckDB cannot build it, the run warns, keeps the
    store without it and writes the same links and stories as a run that built it."""
    import duckdb

    from newstrace.pipeline import engine

    def rows(db: Path) -> tuple:
        with Store(db, read_only=True) as s:
            return tuple(s.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("links", "stories"))

    built = tmp_path / "built.duckdb"
    with Store(built) as s:
        s.add_articles(corpus(4, seed=3, copies=1))
        run_pipeline(s, settings=EngineSettings(workers=1))
    real = engine._sql

    def failing(con, statement, params=()):  # type: ignore[no-untyped-def]
        if statement.startswith("CREATE INDEX"):
            raise duckdb.OutOfMemoryException("no room for the index (test)")
        return real(con, statement, params)

    monkeypatch.setattr(engine, "_sql", failing)
    bare = tmp_path / "bare.duckdb"
    with Store(bare) as s:
        s.add_articles(corpus(4, seed=3, copies=1))
        with pytest.warns(RuntimeWarning, match="no fingerprint index"):
            report = run_pipeline(s, settings=EngineSettings(workers=1))
        assert report.links > 0 and "query index" in report.stage_seconds
        assert s.con.execute("SELECT count(*) FROM duckdb_indexes()").fetchall()[0][0] == 0
    assert rows(bare) == rows(built)
