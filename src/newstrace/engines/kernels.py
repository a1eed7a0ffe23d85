"""The stage functions wrapped for Arrow batches: what the Spark engine runs in its Python workers.

Each kernel takes an iterator of :class:`pyarrow.RecordBatch` and yields batches in the schema the engine
declares; all the work is done by :mod:`newstrace.pipeline.stages`, exactly as the local engine does it.
"""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa

from ..pipeline.stages import (article_stage, decoded_quotes, fingerprint_stage, pair_stage, provenance_stage,
                               story_stage)
from .tables import FACT_TABLES, PAIR_TABLES, article_from_row, nested_batch, table_schema, work_schema

__all__ = ["article_batches", "fingerprint_batches", "link_batches", "pair_batches", "story_batches"]

Batches = Iterator[pa.RecordBatch]


def fingerprint_batches(batches: Batches) -> Batches:
    """``(id, text)`` → rows of ``fingerprints``."""
    schema = table_schema("fingerprints")
    for b in batches:
        if b.num_rows == 0:
            continue
        doc, hashes = fingerprint_stage(b.column("text").to_pylist())
        ids = b.column("id").take(pa.array(doc, pa.int32()))
        yield pa.RecordBatch.from_arrays([ids.cast(pa.string()), pa.array(hashes, pa.int64())], schema=schema)


def article_batches(batches: Batches) -> Batches:
    """Normalized article rows → work rows ``(id, quotes[], credits[], article_facts[])``."""
    schema = work_schema(["id"], FACT_TABLES)
    for b in batches:
        units = []
        for r in b.to_pylist():
            got = article_stage(article_from_row(r))
            units.append(((got.id,), (got.quotes, got.credits, [got.facts])))
        yield nested_batch(schema, units)


def pair_batches(batches: Batches) -> Batches:
    """Pair rows ``(a_id, b_id, a, b, a_quotes, b_quotes, a_facts, b_facts)`` → work rows of the pair tables."""
    schema = work_schema(["a_id", "b_id"], PAIR_TABLES)
    for b in batches:
        units = []
        for r in b.to_pylist():
            got = pair_stage(article_from_row(r["a"]), article_from_row(r["b"]),
                             decoded_quotes(r["a_quotes"]), decoded_quotes(r["b_quotes"]), r["a_facts"], r["b_facts"])
            units.append(((got.a_id, got.b_id), tuple(getattr(got, t) for t in PAIR_TABLES)))
        yield nested_batch(schema, units)


def _rows_batch(table: str, rows: list[tuple]) -> pa.RecordBatch:
    schema = table_schema(table)
    cols = list(zip(*rows)) if rows else [[] for _ in schema]
    return pa.RecordBatch.from_arrays([pa.array(list(c), f.type) for c, f in zip(cols, schema)], schema=schema)


def link_batches(batches: Batches) -> Batches:
    """Every row of ``pair_links`` (one partition: the step is corpus-wide) → rows of ``links``."""
    rows = [(r["a_id"], r["b_id"], r["link"], r["facts"]) for b in batches for r in b.to_pylist()]
    yield _rows_batch("links", provenance_stage(rows))


def story_batches(batches: Batches) -> Batches:
    """``(seq, features)`` of every article (one partition, sorted by ``seq``) → rows of ``stories``."""
    rows = sorted((r["seq"], r["features"]) for b in batches for r in b.to_pylist())
    yield _rows_batch("stories", story_stage(f for _, f in rows))
