"""Arrow schemas and row conversions shared by the engines: the pipeline tables as the local engine's DuckDB
creates them, the normalized ``articles`` input, and the nested rows a stage emits for one unit.

Schemas come from running :data:`newstrace.pipeline.DDL` in an in-memory DuckDB, so the Parquet tables the Spark
engine writes have exactly the columns and types of the local engine's tables.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Iterable, Sequence

import pyarrow as pa

from ..model import Article, OffsetMap, Origin

__all__ = ["ARTICLE_SCHEMA", "FACT_TABLES", "PAIR_TABLES", "article_from_row", "nested_batch", "table_schema",
           "work_schema"]

# The normalized articles table of the Spark engine: the store's export columns that make an Article, with
# ``published`` as its ISO string (a date stays a date) and ``extras`` as JSON text.
ARTICLE_SCHEMA = pa.schema([
    ("seq", pa.int64()), ("id", pa.string()), ("outlet", pa.string()), ("url", pa.string()),
    ("title", pa.string()), ("published", pa.string()), ("language", pa.string()), ("text", pa.string()),
    ("offsets", pa.list_(pa.int64())), ("origin_path", pa.string()), ("origin_member", pa.string()),
    ("origin_line", pa.int64()), ("origin_record", pa.int64()), ("origin_offset", pa.int64()),
    ("extras", pa.string())])

# Tables filled by the article stage and by the pair stage, in the field order of their work rows.
FACT_TABLES = ("quotes", "credits", "article_facts")
PAIR_TABLES = ("reuse", "passages", "quote_matches", "pair_links")


@functools.cache
def table_schema(table: str) -> pa.Schema:
    """The Arrow schema of one pipeline table, as DuckDB gives it (JSON columns are strings)."""
    import duckdb

    from ..pipeline import DDL

    con = duckdb.connect()
    try:
        for ddl in DDL:
            con.execute(ddl)
        got = con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema  # noqa: S608 (our table names)
    finally:
        con.close()
    return pa.schema([pa.field(f.name, pa.string() if _stringish(f.type) else f.type) for f in got])


def _stringish(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or isinstance(t, pa.ExtensionType)


def work_schema(key: Sequence[str], tables: Sequence[str]) -> pa.Schema:
    """A unit's work row: its key columns (strings) and one list of table rows per table."""
    fields = [pa.field(k, pa.string()) for k in key]
    fields += [pa.field(t, pa.list_(pa.struct(list(table_schema(t))))) for t in tables]
    return pa.schema(fields)


def nested_batch(schema: pa.Schema, units: Iterable[tuple[Sequence[str], Sequence[Sequence[tuple]]]]
                 ) -> pa.RecordBatch:
    """A record batch of work rows: for each unit its key values and, per table, its rows (tuples in column
    order)."""
    cols: list[list[Any]] = [[] for _ in schema]
    for key, tables in units:
        for i, k in enumerate(key):
            cols[i].append(k)
        for j, rows in enumerate(tables, start=len(key)):
            names = schema.field(j).type.value_type.names
            cols[j].append([dict(zip(names, r)) for r in rows])
    return pa.RecordBatch.from_arrays([pa.array(c, f.type) for c, f in zip(cols, schema)], schema=schema)


def _date(s: str | None) -> Any:
    import datetime as dt

    if not s:
        return None
    return dt.date.fromisoformat(s) if len(s) == 10 else dt.datetime.fromisoformat(s)


def article_from_row(r: dict[str, Any]) -> Article:
    """The :class:`Article` of one normalized articles row (as :class:`~newstrace.store.Store` reads it)."""
    offsets = r.get("offsets")
    extras = r.get("extras")
    return Article(id=r["id"], text=r["text"],
                   origin=Origin(r.get("origin_path"), r.get("origin_member"), r.get("origin_line"),
                                 r.get("origin_record"), r.get("origin_offset")),
                   outlet=r.get("outlet"), url=r.get("url"), title=r.get("title"), published=_date(r.get("published")),
                   language=r.get("language"), offsets=OffsetMap.from_list(offsets) if offsets else None,
                   extras=json.loads(extras) if extras else {})
