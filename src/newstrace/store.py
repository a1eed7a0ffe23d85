"""The embedded store: DuckDB tables for articles, rejections and ingest runs, with room for other stages.

Tables (schema version :data:`SCHEMA_VERSION`):

- ``articles``: one row per article id; ``seq`` grows with every insert so a stage can process only new rows
  (``WHERE seq > ?``); ``offsets`` is the flat :meth:`OffsetMap.to_list` (empty when the body is the source);
  ``published`` is UTC (a date is stored as its midnight) and ``published_iso`` keeps the value as read, so a
  date stays a date;
- ``rejections``: one row per rejected input record, with the run that met it;
- ``runs``: one row per ingest, with its counts;
- ``meta``: ``key``/``value`` pairs, among them ``schema:core`` and one ``schema:<name>`` per stage schema.

Other stages own their tables through :meth:`Store.ensure_schema` and query :attr:`Store.con` with parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any, Iterable, Iterator, Sequence

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import ConfigError, StoreError
from .model import Article, OffsetMap, Origin, Rejection

__all__ = ["DEFAULT_DB", "EXPORT_FORMATS", "MEMORY_ENV", "SCHEMA_VERSION", "AddResult", "Store", "memory_limit"]

DEFAULT_DB = "newstrace.duckdb"
SCHEMA_VERSION = 1
EXPORT_FORMATS = ("parquet", "jsonl")
EXPORT_BATCH_ROWS = 10_000  # Arrow batch per write: ~50 MB of news text, one Parquet row group each
UTC = dt.timezone.utc
MEMORY_ENV = "NEWSTRACE_DUCKDB_MEMORY"  # overrides the memory limit of every store connection, e.g. "4GB"
MEMORY_FRACTION = 0.4  # of the machine's memory, the default limit ...
MEMORY_CAP = 32 * 2**30  # ... but no more than this
# Write-ahead log size at which DuckDB checkpoints a store file (its default: 16 MB). A checkpoint's cost grows
# with the store (it writes the tables' indexes and metadata again), so with 16 MB the writes of a run grow
# quadratically: ingesting three 100k-article files one after the other into one store took 62, 72 and 82 s;
# with 1 GB 52, 51 and 51 s (2 cores, another run busy beside). The pipeline commits every 64 units and
# would meet the same at a million articles. The price: up to this much WAL on disk, replayed on the next open
# after a crash (committed work is never lost either way).
CHECKPOINT_THRESHOLD = "1GB"

_CORE = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS articles (
        seq BIGINT NOT NULL, id VARCHAR PRIMARY KEY, outlet VARCHAR, url VARCHAR, title VARCHAR,
        published TIMESTAMP, published_iso VARCHAR, published_precision VARCHAR, language VARCHAR,
        text VARCHAR NOT NULL, offsets BIGINT[], origin_path VARCHAR, origin_member VARCHAR, origin_line BIGINT,
        origin_record BIGINT, origin_offset BIGINT, extras JSON, run INTEGER)""",
    """CREATE TABLE IF NOT EXISTS rejections (
        run INTEGER, path VARCHAR, member VARCHAR, line BIGINT, record BIGINT, "offset" BIGINT,
        reason VARCHAR, detail VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS runs (
        run INTEGER PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, inputs VARCHAR, "read" BIGINT,
        articles BIGINT, duplicates BIGINT, rejections BIGINT)""",
]
_ARTICLE_COLS = ("seq", "id", "outlet", "url", "title", "published", "published_iso", "published_precision",
                 "language", "text", "offsets", "origin_path", "origin_member", "origin_line", "origin_record",
                 "origin_offset", "extras", "run")
_ARTICLE_TYPES = [pa.int64(), pa.string(), pa.string(), pa.string(), pa.string(), pa.timestamp("us"), pa.string(),
                  pa.string(), pa.string(), pa.string(), pa.list_(pa.int64()), pa.string(), pa.string(), pa.int64(),
                  pa.int64(), pa.int64(), pa.string(), pa.int32()]
_ARTICLE_SCHEMA = pa.schema(list(zip(_ARTICLE_COLS, _ARTICLE_TYPES)))
_SELECT = ("id, outlet, url, title, published_iso, language, text, offsets, origin_path, origin_member, "
           "origin_line, origin_record, origin_offset, extras")


def memory_limit(fraction: float | None = None) -> str | None:
    """The DuckDB ``memory_limit`` of a store connection: :data:`MEMORY_ENV` when set (a DuckDB size: "4GB",
    "800MB", "50%"), else :data:`MEMORY_FRACTION` of the machine's memory (or of the cgroup's limit when lower),
    at most :data:`MEMORY_CAP`; None when the memory is unknown (DuckDB's default stays). DuckDB's own default,
    80%, would leave too little to the worker processes and the story clusterer that run beside it. ``fraction``
    replaces :data:`MEMORY_FRACTION` (not :data:`MEMORY_ENV`)."""
    env = os.environ.get(MEMORY_ENV, "").strip()
    if env:
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?\s*([A-Za-z]+|%)?", env):
            raise ConfigError(f"{MEMORY_ENV} must be a size such as 4GB, 800MB or 50%, got {env!r}")
        return env
    total = _physical_memory()
    share = MEMORY_FRACTION if fraction is None else fraction
    return f"{min(int(total * share), MEMORY_CAP) // 2**20}MiB" if total else None


def _quote(s: str) -> str:
    """``s`` as an SQL string literal (SET takes no parameters)."""
    return "'" + s.replace("'", "''") + "'"


def _physical_memory() -> int:
    """Bytes of memory this process may use: physical memory, or the cgroup v2 limit when lower (0: unknown)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        total = 0
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            cap = f.read().strip()
        if cap.isdigit():
            total = min(total, int(cap)) if total else int(cap)
    except OSError:
        pass
    return total


class Store:
    """A DuckDB file holding articles and everything later stages derive from them.

    >>> with Store(":memory:") as s:
    ...     s.add_articles([Article.from_text("A harbour strike.", id="a1")]).added
    1
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DB, *, read_only: bool = False):
        self.path = os.fspath(path)
        limit = memory_limit()
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as e:
            raise StoreError(f"cannot open store {self.path}: {e}") from None
        self._configure(limit, read_only)
        if not read_only and not self._rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'meta'"):
            self.ensure_schema("core", _CORE, version=SCHEMA_VERSION)
        self._check_version()

    def _configure(self, limit: str | None, read_only: bool = False) -> None:
        """An explicit DuckDB memory limit (:func:`memory_limit`) and, for a file, a spill directory beside it
        (``<db>.tmp``), so a join larger than the limit spills to disk instead of failing, and the checkpoint
        threshold :data:`CHECKPOINT_THRESHOLD`. They hold for the whole database instance (every connection of
        this process to the same file)."""
        try:
            if limit:
                self.con.execute(f"SET memory_limit = {_quote(limit)}")
            if self.path not in ("", ":memory:") and not self.path.startswith(":memory:"):
                self.con.execute(f"SET temp_directory = {_quote(self.path + '.tmp')}")
                if not read_only:
                    self.con.execute(f"SET checkpoint_threshold = {_quote(CHECKPOINT_THRESHOLD)}")
        except duckdb.Error as e:
            self.con.close()
            raise ConfigError(f"cannot set the DuckDB memory settings of {self.path} ({MEMORY_ENV}?): {e}") from None

    def memory_share(self, fraction: float | None = None) -> None:
        """Set DuckDB's memory limit to ``fraction`` of the machine's memory (None: back to the default,
        :data:`MEMORY_FRACTION`) while the store is open; a step that runs processes beside it lowers it, one
        that runs alone may raise it. A limit set by hand (:data:`MEMORY_ENV`, which :func:`memory_limit`
        returns whatever the fraction) stays; nothing changes when the memory is unknown. DuckDB evicts cached
        blocks at once to meet a lower limit."""
        limit = memory_limit(fraction)
        if limit:
            try:
                self.con.execute(f"SET memory_limit = {_quote(limit)}")
            except duckdb.Error as e:
                raise ConfigError(f"cannot set the DuckDB memory limit of {self.path} to {limit}: {e}") from None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """All rows of a query (fetched fully, so the connection is free for the next statement)."""
        return self.con.execute(sql, list(params)).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _check_version(self) -> None:
        try:
            row = self._one("SELECT value FROM meta WHERE key = 'schema:core'")
        except duckdb.CatalogException:
            raise StoreError(f"{self.path} is not a newstrace store (no meta table)") from None
        if row is None or int(row[0]) != SCHEMA_VERSION:
            raise StoreError(f"{self.path} has store schema {row and row[0]}, this newstrace reads {SCHEMA_VERSION}")

    def ensure_schema(self, name: str, ddl: Sequence[str], *, version: int = 1) -> bool:
        """Run ``ddl`` (``CREATE ... IF NOT EXISTS`` statements) once per ``name`` and ``version``.

        Returns True when the statements ran. A stage calls this before using its tables.
        """
        self._rows("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        key = f"schema:{name}"
        row = self._one("SELECT value FROM meta WHERE key = ?", [key])
        if row is not None and row[0] == str(version):
            return False
        for stmt in ddl:
            self._rows(stmt)
        self._rows("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, str(version)])
        return True

    # -- writing ---------------------------------------------------------------------------------------------

    def begin_run(self, inputs: Sequence[str]) -> int:
        """Open an ingest run and return its number."""
        run = self._one("SELECT coalesce(max(run), 0) + 1 FROM runs")[0]
        self._rows("INSERT INTO runs (run, started, inputs) VALUES (?, ?, ?)",
                   [run, _now(), json.dumps([str(p) for p in inputs])])
        return int(run)

    def finish_run(self, run: int, *, read: int, articles: int, duplicates: int, rejections: int) -> None:
        self._rows('UPDATE runs SET finished = ?, "read" = ?, articles = ?, duplicates = ?, rejections = ? '
                   "WHERE run = ?", [_now(), read, articles, duplicates, rejections, run])

    def add_articles(self, articles: Iterable[Article], *, run: int | None = None,
                     known: set[str] | None = None) -> "AddResult":
        """Insert articles whose ids are new; ids already stored (or repeated in the batch) are duplicates.

        ``known``: every id the store holds, when the caller keeps that set (an ingest into a store that was empty
        when it began); the ids are then checked against it, not looked up in the table, and the new ones are
        added to it. The lookup scans every stored id: 25 ms (46 ms of CPU) a batch of 1,000 at 1M articles, about
        12 s of the main process over a 1M ingest (session 20)."""
        batch: dict[str, Article] = {}
        repeated = 0
        for a in articles:
            if a.id in batch:
                repeated += 1
            else:
                batch[a.id] = a
        if not batch:
            return AddResult(0, repeated, [])
        held = self._held(list(batch)) if known is None else known.intersection(batch)
        new = [a for i, a in batch.items() if i not in held]
        if new:
            seq0 = self.max_seq() + 1
            table = _articles_table(new, seq0, run)
            self.con.register("_new_articles", table)
            try:
                self._rows(f"INSERT INTO articles ({', '.join(_ARTICLE_COLS)}) "  # noqa: S608 (fixed names)
                           f"SELECT {', '.join(_ARTICLE_COLS)} FROM _new_articles")
            finally:
                self.con.unregister("_new_articles")
            if known is not None:
                known.update(a.id for a in new)
        return AddResult(len(new), repeated + len(held), [a.id for a in new])

    def _held(self, ids: list[str]) -> set[str]:
        """Which of ``ids`` the store already holds (a hash join, so a large store is scanned once per batch)."""
        self.con.register("_batch_ids", pa.table({"id": pa.array(ids, pa.string())}))
        try:
            return {r[0] for r in self._rows("SELECT a.id FROM articles a JOIN _batch_ids b ON a.id = b.id")}
        finally:
            self.con.unregister("_batch_ids")

    def add_rejections(self, rejections: Iterable[Rejection], *, run: int | None = None) -> int:
        rows = [(run, r.origin.path, r.origin.member, r.origin.line, r.origin.record, r.origin.offset, r.reason,
                 r.detail) for r in rejections]
        if rows:
            self.con.executemany("INSERT INTO rejections VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    # -- reading ---------------------------------------------------------------------------------------------

    def articles(self, ids: Iterable[str] | None = None, *, since_seq: int | None = None,
                 batch: int = 1000) -> Iterator[Article]:
        """Articles in ``seq`` order, optionally only ``ids`` or those added after ``since_seq``."""
        where, params = [], []
        if ids is not None:  # a semi-join on a registered table: one hash probe per row, not a list scan
            where.append("id IN (SELECT id FROM _wanted_ids)")
        if since_seq is not None:
            where.append("seq > ?")
            params.append(since_seq)
        sql = f"SELECT {_SELECT} FROM articles"  # noqa: S608 (fixed column names)
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq"
        cur = self.con.cursor()
        try:
            if ids is not None:
                cur.register("_wanted_ids", pa.table({"id": pa.array(list(ids), pa.string())}))
            cur.execute(sql, params)
            while rows := cur.fetchmany(batch):
                yield from (_row_article(r) for r in rows)
        finally:
            cur.close()

    def article(self, id: str) -> Article | None:
        return next(self.articles([id]), None)

    def max_seq(self) -> int:
        return int(self._one("SELECT coalesce(max(seq), 0) FROM articles")[0])

    def stats(self) -> dict[str, int]:
        """``{"articles", "rejected", "outlets", "runs"}`` counts."""
        a, o = self._one("SELECT count(*), count(DISTINCT outlet) FROM articles")
        r = self._one("SELECT count(*) FROM rejections")[0]
        runs = self._one("SELECT count(*) FROM runs")[0]
        return {"articles": int(a), "rejected": int(r), "outlets": int(o), "runs": int(runs)}

    def export(self, out: str | os.PathLike[str], *, format: str = "parquet") -> int:
        """Write every article to ``out`` as Parquet or JSON Lines (all columns but ``run``); returns the count."""
        if format not in EXPORT_FORMATS:
            raise ConfigError(f"unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
        cols = [c for c in _ARTICLE_COLS if c != "run"]
        n = 0
        rel = self.con.sql(f"SELECT {', '.join(cols)} FROM articles ORDER BY seq")  # noqa: S608 (fixed names)
        reader = rel.to_arrow_reader(EXPORT_BATCH_ROWS)
        if format == "parquet":
            with pq.ParquetWriter(os.fspath(out), reader.schema) as w:
                for b in reader:
                    w.write_batch(b)
                    n += b.num_rows
            return n
        with open(out, "w", encoding="utf-8") as f:
            for b in reader:
                for row in b.to_pylist():
                    row["published"] = row.pop("published_iso")
                    row["extras"] = json.loads(row["extras"]) if row["extras"] else {}
                    f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                    n += 1
        return n

    def rejections(self, run: int | None = None) -> list[Rejection]:
        sql = 'SELECT path, member, line, record, "offset", reason, detail FROM rejections'
        rows = self._rows(sql + (" WHERE run = ?" if run is not None else ""), [run] if run is not None else [])
        return [Rejection(Origin(p, m, li, rec, off), reason, detail or "") for p, m, li, rec, off, reason, detail
                in rows]


class AddResult:
    """What :meth:`Store.add_articles` did: ``added`` new articles, ``duplicates`` ids already seen."""

    __slots__ = ("added", "duplicates", "ids")

    def __init__(self, added: int, duplicates: int, ids: list[str]):
        self.added, self.duplicates, self.ids = added, duplicates, ids

    def __repr__(self) -> str:
        return f"AddResult(added={self.added}, duplicates={self.duplicates})"


def _now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(tzinfo=None)


def _published(p: dt.date | dt.datetime | None) -> tuple[dt.datetime | None, str | None, str | None]:
    if p is None:
        return None, None, None
    if isinstance(p, dt.datetime):
        utc = p.astimezone(UTC).replace(tzinfo=None) if p.tzinfo else p
        return utc, p.isoformat(), "datetime"
    return dt.datetime(p.year, p.month, p.day), p.isoformat(), "date"


def _articles_table(articles: list[Article], seq0: int, run: int | None) -> pa.Table:
    cols: dict[str, list[Any]] = {c: [] for c in _ARTICLE_COLS}
    for i, a in enumerate(articles):
        pub, iso, precision = _published(a.published)
        o = a.origin
        values = (seq0 + i, a.id, a.outlet, a.url, a.title, pub, iso, precision, a.language, a.text,
                  a.offsets.to_list() if a.offsets is not None else [], o.path, o.member, o.line, o.record,
                  o.offset, json.dumps(a.extras, ensure_ascii=False), run)
        for c, v in zip(_ARTICLE_COLS, values):
            cols[c].append(v)
    return pa.table(cols, schema=_ARTICLE_SCHEMA)


def _parse_iso(s: str | None) -> dt.date | dt.datetime | None:
    if s is None:
        return None
    return dt.date.fromisoformat(s) if len(s) == 10 else dt.datetime.fromisoformat(s)


def _row_article(r: tuple) -> Article:
    (id_, outlet, url, title, iso, language, text, offsets, path, member, line, record, offset, extras) = r
    return Article(id=id_, text=text, origin=Origin(path, member, line, record, offset), outlet=outlet, url=url,
                   title=title, published=_parse_iso(iso), language=language,
                   offsets=OffsetMap.from_list(offsets) if offsets else None,
                   extras=json.loads(extras) if extras else {})
