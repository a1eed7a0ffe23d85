"""Parquet files: one article per row, columns mapped like any record format."""

from __future__ import annotations

import io
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from .base import Item, Source, TooLarge, read_limited, reject
from .records import record_item, resolve_columns
from .settings import ReadSettings

__all__ = ["read_parquet"]

BATCH_ROWS = 1024  # rows decoded at a time: a few MB of article text, small next to pyarrow's own buffers


def read_parquet(src: Source, settings: ReadSettings) -> Iterator[Item]:
    """Rows of a Parquet file; a file that cannot be opened is one ``malformed`` rejection."""
    try:
        with src.open() as f:
            data = f if f.seekable() else io.BytesIO(read_limited(f, settings.max_container_bytes))
            try:
                pf = pq.ParquetFile(data)
            except (pa.ArrowException, OSError) as e:
                yield reject(src, "malformed", f"not a readable Parquet file: {e}")
                return
            columns = resolve_columns(pf.schema_arrow.names, settings.mapping)
            row = 0
            try:
                for batch in pf.iter_batches(batch_size=BATCH_ROWS):
                    for rec in batch.to_pylist():
                        row += 1
                        yield record_item(src, settings, rec, {"record": row}, columns)
            except (pa.ArrowException, OSError) as e:
                yield reject(src, "truncated", f"after row {row}: {e}", record=row + 1)
    except TooLarge as e:
        yield reject(src, "too-large", str(e))
