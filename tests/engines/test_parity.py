"""The Spark engine (local mode) and the local engine give the same rows on the same articles.

An invented corpus with planted reuse (tests/pipeline/gen.py: wire originals, verbatim cuts credited or not,
loners) goes into a store; the local engine runs on it, the Spark engine runs on its Parquet export, and every
result table is compared row for row after sorting.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "pipeline"))

from gen import corpus  # noqa: E402

from newstrace.pipeline import EngineSettings, run_pipeline  # noqa: E402
from newstrace.store import Store  # noqa: E402

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newstrace[spark]')")
pytest.importorskip("pandas", reason="pandas is not installed (the spark engine's Arrow UDFs need it)")
if shutil.which("java") is None:
    pytest.skip("no java on PATH (Spark needs Java 17)", allow_module_level=True)

from newstrace.engines import MARKER, SparkSettings, run_spark, spark_session  # noqa: E402
from newstrace.engines.tables import table_schema  # noqa: E402

# 500 stories of 4 articles (original, two copies, one loner): 2,000 articles, about 1,500 candidate pairs.
STORIES = 500
# A small local JVM: C1 only (short jobs spend most of their time in the JIT) and the serial collector; about
# 2.5x faster for this test on 2 cores. Not the engine's default: long runs want the optimizing compiler.
TEST_CONF = (("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"),)
COMPARED = ("fingerprints", "candidates", "reuse", "passages", "quotes", "credits", "article_facts",
            "quote_matches", "pair_links", "links", "stories")


@pytest.fixture(scope="session")
def spark():  # type: ignore[no-untyped-def]
    s = spark_session(SparkSettings(master="local[2]", shuffle_partitions=2, conf=TEST_CONF))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, spark) -> tuple[Path, Path, object]:  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("parity")
    db, out = d / "local.duckdb", d / "spark"
    with Store(db) as s:
        s.add_articles(corpus(STORIES, seed=11))
        run_pipeline(s, settings=EngineSettings(workers=2))
        s.export(d / "articles.parquet")
    report = run_spark([str(d / "articles.parquet")], str(out), spark=spark)
    return db, out, report


def _local(db: Path, table: str) -> list[tuple]:
    with Store(db, read_only=True) as s:
        return s.con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()  # noqa: S608


def _spark(out: Path, table: str) -> list[tuple]:
    import duckdb

    con = duckdb.connect()
    try:
        return con.execute("SELECT * FROM read_parquet(?) ORDER BY ALL", [str(out / table / "*.parquet")]).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("table", COMPARED)
def test_same_rows(runs: tuple, table: str) -> None:
    db, out, _ = runs
    local, spark_rows = _local(db, table), _spark(out, table)
    assert spark_rows == local
    if table in ("candidates", "reuse", "passages", "links", "stories", "quotes"):
        assert len(local) > 10  # the corpus exercises the stage


def test_same_schemas(runs: tuple) -> None:
    import pyarrow.parquet as pq

    _, out, _ = runs
    for table in COMPARED:
        files = sorted((out / table).glob("*.parquet"))
        got = pq.read_schema(files[0]).remove_metadata()
        want = table_schema(table)
        assert [(f.name, f.type) for f in got] == [(f.name, f.type) for f in want], table


def test_rerun_skips_finished_stages(runs: tuple, spark) -> None:  # type: ignore[no-untyped-def]
    db, out, first = runs
    assert (out / "links" / MARKER).exists()
    shutil.rmtree(out / "stories")  # as if killed while writing the last stage
    again = run_spark([str(db.parent / "articles.parquet")], str(out), spark=spark)
    assert again.stages_run == ("stories",)
    assert again.stories == first.stories and again.links == first.links
    assert _spark(out, "stories") == _local(db, "stories")
