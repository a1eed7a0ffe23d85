"""Small helpers for statements on the store's DuckDB connection: rows, counts, Arrow inserts, transactions."""

from __future__ import annotations

from typing import Any, Sequence

import pyarrow as pa

__all__ = ["Tx", "count", "insert", "sql"]


def insert(con: Any, table: str, rows: Sequence[tuple]) -> None:
    """Append ``rows`` (tuples in the table's column order) through Arrow: one statement, not one per row."""
    if not rows:
        return
    cols = list(zip(*rows))
    con.from_arrow(pa.table({f"c{i}": pa.array(c) for i, c in enumerate(cols)})).insert_into(table)


class Tx:
    """One transaction on the store's connection (rolled back on error)."""

    def __init__(self, con: Any):
        self.con = con

    def __enter__(self) -> Any:
        sql(self.con, "BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type: object, *_: object) -> None:
        sql(self.con, "ROLLBACK" if exc_type else "COMMIT")


def sql(con: Any, statement: str, params: Sequence[Any] | dict = ()) -> list[tuple]:
    """All rows of a statement (fetched fully: DuckDB keeps the connection busy until a result is drained)."""
    return con.execute(statement, params if isinstance(params, dict) else list(params)).fetchall()


def count(con: Any, statement: str, params: Sequence[Any] = ()) -> int:
    """The single number a ``SELECT count(*) ...`` statement returns."""
    return int(sql(con, statement, params)[0][0])
