"""The Spark engine: the trace pipeline on Apache Spark, with the local engine's stage functions and results.

Articles come from Parquet or JSON Lines paths (local, ``hdfs://``, ``s3a://``: given to Spark as they are),
typically a store export (``newstrace`` keeps ``seq``, the arrival order stories depend on). Every stage writes
one Parquet table under ``out`` with the columns and types of the local engine's DuckDB table, then a
``_newstrace_done`` marker; a re-run skips stages that have their marker, so a killed run resumes at the stage
it was in (a half-written table has no marker and is written again)::

    articles → fingerprints → candidates → _article_rows → quotes, credits, article_facts
             → _pair_rows → reuse, passages, quote_matches, pair_links → links → stories

Fingerprints, the article stage and the pair stage run over partitions (``mapInArrow``, see :mod:`.kernels`);
candidates are the DuckDB query of :mod:`newstrace.candidates` as DataFrame operations; links and stories are
corpus-wide steps and run in one partition, as in the local engine. Stories depend on arrival order
(:class:`~newstrace.stories.StoryClusterer` is incremental: an article joins the most similar *earlier* story,
idf grows as articles arrive, a story is named after its first article), so both engines cluster in ``seq``
order: identical stories need the same ``seq``, which a store export carries. On a cluster, newstrace must be
installed where the executors' Python runs.

>>> run_spark(["articles.parquet"], "out/", settings=SparkSettings(master="local[2]"))  # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..candidates import DEFAULT_CANDIDATES, CandidateSettings
from ..errors import ConfigError, InputError
from . import kernels
from .tables import ARTICLE_SCHEMA, FACT_TABLES, PAIR_TABLES, table_schema, work_schema

__all__ = ["MARKER", "STAGES", "SparkReport", "SparkSettings", "run_spark", "spark_session"]

MARKER = "_newstrace_done"
STAGES = ("articles", "fingerprints", "candidates", "_article_rows", *FACT_TABLES, "_pair_rows", *PAIR_TABLES,
          "links", "stories")


@dataclass(frozen=True, slots=True)
class SparkSettings:
    """master: Spark master URL (``local[*]``, ``spark://…``, ``yarn``). shuffle_partitions: partitions of joins
    and of the article and pair stages (small for local runs: each costs a task). conf: extra Spark settings.
    candidates: the postings-join thresholds (the local engine's defaults)."""

    master: str = "local[*]"
    shuffle_partitions: int = 8
    conf: tuple[tuple[str, str], ...] = ()
    candidates: CandidateSettings = DEFAULT_CANDIDATES

    def __post_init__(self) -> None:
        if self.shuffle_partitions < 1:
            raise ConfigError(f"shuffle_partitions must be at least 1, got {self.shuffle_partitions}")


@dataclass(frozen=True, slots=True)
class SparkReport:
    """What a run did: the stages run now (the others were done already) and the row counts of the results."""

    articles: int
    candidates: int
    reuse_pairs: int
    links: int
    stories: int
    stages_run: tuple[str, ...]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def spark_session(settings: SparkSettings = SparkSettings()) -> Any:
    """A SparkSession for the engine (no UI, no console progress, Arrow batches of 1,000 rows)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise ConfigError("the spark engine needs pyspark and pandas: pip install 'newstrace[spark]'") from e
    if settings.master.startswith("local"):  # workers run this interpreter (where newstrace is installed)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": str(settings.shuffle_partitions),
            "spark.sql.execution.arrow.maxRecordsPerBatch": "1000", **dict(settings.conf)}
    b = SparkSession.builder.master(settings.master).appName("newstrace")
    for k, v in conf.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# -- markers ------------------------------------------------------------------------------------------------


def _path(spark: Any, path: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), p


def _done(spark: Any, table_dir: str) -> bool:
    fs, p = _path(spark, f"{table_dir}/{MARKER}")
    return bool(fs.exists(p))


def _mark(spark: Any, table_dir: str) -> None:
    fs, p = _path(spark, f"{table_dir}/{MARKER}")
    fs.create(p, True).close()


# -- inputs -------------------------------------------------------------------------------------------------


def _read(spark: Any, inputs: Sequence[str]) -> Any:
    """One DataFrame of every input (Parquet, or JSON Lines for ``.json``/``.jsonl`` names, gzipped or not)."""
    if not inputs:
        raise InputError("no input paths for the spark engine")
    jsonish = [p for p in inputs if p.rstrip("/").removesuffix(".gz").endswith((".jsonl", ".json", ".ndjson"))]
    parquet = [p for p in inputs if p not in jsonish]
    parts = ([spark.read.parquet(*parquet)] if parquet else []) + ([spark.read.json(jsonish)] if jsonish else [])
    df = parts[0]
    for other in parts[1:]:
        df = df.unionByName(other, allowMissingColumns=True)
    return df


def _normalize(df: Any) -> Any:
    """The articles table: ARTICLE_SCHEMA's columns, one row per id (the first by ``seq``, as the store keeps
    the first). Without a ``seq`` column the arrival order is the order Spark reads the rows in."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    have = set(df.columns)
    if not {"id", "text"} <= have:
        raise InputError(f"articles need 'id' and 'text' columns, got {sorted(have)}")
    types = {f.name: f.dataType for f in from_arrow_schema(ARTICLE_SCHEMA).fields}
    cols = []
    for name, t in types.items():
        if name == "seq" and "seq" not in have:
            c = F.monotonically_increasing_id()
        elif name == "published":
            c = F.col("published_iso") if "published_iso" in have else (
                F.col("published").cast("string") if "published" in have else F.lit(None))
        elif name == "extras" and "extras" in have and df.schema["extras"].dataType.typeName() != "string":
            c = F.to_json("extras")
        else:
            c = F.col(name) if name in have else F.lit(None)
        cols.append(c.cast(t).alias(name))
    w = Window.partitionBy("id").orderBy("seq")
    return (df.select(*cols).withColumn("_k", F.row_number().over(w)).where("_k = 1").drop("_k"))


# -- stages -------------------------------------------------------------------------------------------------


def _spark_schema(schema: Any) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _candidates(fp: Any, s: CandidateSettings) -> Any:
    """The postings join of :mod:`newstrace.candidates`: pairs sharing >= min_shared n-grams held by 2..max_df
    articles; containment = shared / the smaller fingerprint."""
    from pyspark.sql import functions as F

    rare = fp.groupBy("hash").count().where(F.col("count").between(2, s.max_df)).select("hash")
    p = fp.join(rare, "hash", "left_semi")
    p1, p2 = p.alias("p1"), p.alias("p2")
    pairs = (p1.join(p2, (F.col("p1.hash") == F.col("p2.hash")) & (F.col("p1.article_id") < F.col("p2.article_id")))
             .groupBy(F.col("p1.article_id").alias("a_id"), F.col("p2.article_id").alias("b_id"))
             .agg(F.count(F.lit(1)).alias("shared")).where(F.col("shared") >= s.min_shared))
    sizes = fp.groupBy("article_id").count()
    sa = sizes.select(F.col("article_id").alias("a_id"), F.col("count").alias("na"))
    sb = sizes.select(F.col("article_id").alias("b_id"), F.col("count").alias("nb"))
    small = F.least("na", "nb").cast("double")
    return (pairs.join(sa, "a_id").join(sb, "b_id")
            .select("a_id", "b_id", F.col("shared").cast("long").alias("shared"),
                    F.when(small > 0, F.col("shared") / F.greatest(small, F.lit(1.0))).otherwise(0.0)
                    .alias("containment")))


def _explode(work: Any, table: str) -> Any:
    from pyspark.sql import functions as F

    return work.select(F.explode(table).alias("r")).select("r.*")


def _side(t: Callable[[str], Any], prefix: str) -> Any:
    """One side of the pair-stage input: the article row, its quotations in ``idx`` order and its facts."""
    from pyspark.sql import functions as F

    arts = t("articles")
    art = arts.select(F.col("id").alias(f"{prefix}_id"), F.struct(*arts.columns).alias(prefix))
    q = (t("quotes").groupBy("article_id").agg(F.sort_array(F.collect_list(F.struct("idx", "quote"))).alias("qs"))
         .select(F.col("article_id").alias(f"{prefix}_id"), F.col("qs.quote").alias(f"{prefix}_quotes")))
    f = t("article_facts").select(F.col("article_id").alias(f"{prefix}_id"), F.col("facts").alias(f"{prefix}_facts"))
    return art.join(q, f"{prefix}_id", "left").join(f, f"{prefix}_id", "left")


def _builders(spark: Any, inputs: Sequence[str], t: Callable[[str], Any], s: SparkSettings
              ) -> dict[str, Callable[[], Any]]:
    """How each stage's table is made from the inputs and the tables before it (``t(name)`` reads one)."""
    from pyspark.sql import functions as F

    n = s.shuffle_partitions
    fact_work = _spark_schema(work_schema(["id"], FACT_TABLES))
    pair_work = _spark_schema(work_schema(["a_id", "b_id"], PAIR_TABLES))
    out: dict[str, Callable[[], Any]] = {
        "articles": lambda: _normalize(_read(spark, inputs)),
        "fingerprints": lambda: t("articles").select("id", "text").mapInArrow(
            kernels.fingerprint_batches, _spark_schema(table_schema("fingerprints"))),
        "candidates": lambda: _candidates(t("fingerprints"), s.candidates),
        "_article_rows": lambda: t("articles").repartition(n, "id").mapInArrow(kernels.article_batches,
                                                                                fact_work),
        "_pair_rows": lambda: (t("candidates").select("a_id", "b_id").join(_side(t, "a"), "a_id")
                               .join(_side(t, "b"), "b_id").repartition(n, "a_id", "b_id")
                               .mapInArrow(kernels.pair_batches, pair_work)),
        "links": lambda: t("pair_links").repartition(1).mapInArrow(
            kernels.link_batches, _spark_schema(table_schema("links"))),
        "stories": lambda: (t("article_facts").join(t("articles").select(F.col("id").alias("article_id"), "seq"),
                                                    "article_id").select("seq", "features").repartition(1)
                            .mapInArrow(kernels.story_batches, _spark_schema(table_schema("stories")))),
    }
    for table in FACT_TABLES:
        out[table] = (lambda x: lambda: _explode(t("_article_rows"), x))(table)
    for table in PAIR_TABLES:
        out[table] = (lambda x: lambda: _explode(t("_pair_rows"), x))(table)
    return out


def run_spark(inputs: Sequence[str], out: str, *, settings: SparkSettings = SparkSettings(),
              spark: Any = None) -> SparkReport:
    """Run every stage whose table under ``out`` has no completion marker; returns a report.

    ``spark``: an existing SparkSession (else one is made from ``settings`` and left running for reuse).
    """
    t0 = time.perf_counter()
    spark = spark or spark_session(settings)
    base = out.rstrip("/")

    def t(name: str) -> Any:
        return spark.read.parquet(f"{base}/{name}")

    build = _builders(spark, inputs, t, settings)
    ran = []
    for stage in STAGES:
        where = f"{base}/{stage}"
        if _done(spark, where):
            continue
        build[stage]().write.mode("overwrite").parquet(where)
        _mark(spark, where)
        ran.append(stage)
    stories = t("stories").select("story_id").distinct().count()
    return SparkReport(articles=t("articles").count(), candidates=t("candidates").count(),
                       reuse_pairs=t("reuse").count(), links=t("links").count(), stories=stories,
                       stages_run=tuple(ran), seconds=round(time.perf_counter() - t0, 3))
