"""``newstrace trace --engine spark``: a thin face over :func:`newstrace.engines.run_spark`."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

from rich.console import Console

from ..errors import ConfigError, NewstraceError
from ..store import Store
from .ingest import fail

_err = Console(stderr=True, highlight=False)


def _inputs(paths: list[str], db: Path, out: str) -> list[str]:
    """The PATHs as given (Parquet/JSONL, local or URIs), else the store at ``db`` exported next to ``out``."""
    if paths:
        return paths
    if not db.exists():
        raise NewstraceError(f"no store at {db} (give Parquet or JSON Lines PATHs, or --db with articles)")
    if "://" in out:
        raise ConfigError("with a remote --out, give the articles as PATHs (export the store with ingest first)")
    target = Path(out) / "_input" / "articles.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    with Store(db, read_only=True) as store:
        store.export(target)
    return [str(target)]


def _print_json(spark: Any, out: str) -> None:
    """Links, then stories, as ``trace --json`` prints them for the local engine."""
    from pyspark.sql import functions as F

    from ..pipeline import link_json, story_json

    base = out.rstrip("/")
    for row in spark.read.parquet(f"{base}/links").orderBy("a_id", "b_id").toLocalIterator():
        d = row.asDict()
        for k in ("evidence", "untaken", "fresh_quotes"):
            d[k] = json.loads(d[k])
        sys.stdout.write(json.dumps(link_json(d), ensure_ascii=False) + "\n")
    seq = spark.read.parquet(f"{base}/articles").select(F.col("id").alias("story_id"), "seq")
    stories = (spark.read.parquet(f"{base}/stories").join(seq, "story_id").groupBy("story_id", "seq")
               .agg(F.sort_array(F.collect_list(F.struct("position", "article_id"))).alias("m")).orderBy("seq"))
    for row in stories.toLocalIterator():
        sys.stdout.write(json.dumps(story_json(row["story_id"], [m["article_id"] for m in row["m"]]),
                                    ensure_ascii=False) + "\n")


def trace_spark(paths: list[str], db: Path, out: Optional[str], master: str, as_json: bool, *,
                engine: str = "spark") -> None:
    """Run the Spark engine over PATHs (or the store at ``db``) into ``out``; print a summary or JSON lines."""
    from ..engines import SparkSettings, run_spark, spark_session

    try:
        if engine != "spark":
            raise ConfigError(f"unknown engine {engine!r}; use local or spark")
        out = out or tempfile.mkdtemp(prefix="newstrace-spark-")
        spark = spark_session(SparkSettings(master=master))
        try:
            report = run_spark(_inputs(paths, db, out), out, spark=spark)
            if as_json:
                _print_json(spark, out)
        finally:
            spark.stop()
    except NewstraceError as e:
        fail(e)
    _err.print(f"{report.articles} articles, {report.candidates} candidate pairs, {report.reuse_pairs} with reuse, "
               f"{report.links} links, {report.stories} stories in {report.seconds:.1f}s "
               f"(stages run: {', '.join(report.stages_run) or 'none, all done'}; tables: {out})")
