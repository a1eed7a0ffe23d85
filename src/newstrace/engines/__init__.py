"""Engines that run the trace pipeline: the local one (:mod:`newstrace.pipeline`, DuckDB + processes) and Spark
(:mod:`.spark`, PySpark, optional: ``pip install 'newstrace[spark]'``). Both call the stage functions of
:mod:`newstrace.pipeline.stages` and give the same rows (``tests/engines/test_parity.py``).
"""

from __future__ import annotations

from .spark import MARKER, STAGES, SparkReport, SparkSettings, run_spark, spark_session

__all__ = ["MARKER", "STAGES", "SparkReport", "SparkSettings", "run_spark", "spark_session"]
