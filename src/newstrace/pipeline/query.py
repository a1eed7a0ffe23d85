"""Query a traced store with a new text: the stored articles it took from, with passages, without indexing it.

The text's n-gram fingerprint is looked up in the ``fingerprints`` table; stored articles sharing at least
``min_shared`` rare n-grams with it (rare: held by fewer than ``max_df`` stored articles, the same rule the
candidate join uses with the query counted in) are aligned as ``newstrace compare`` aligns (passages only: the
quotation and provenance fields of a full compare cost ten times the alignment, and ``compare`` gives them for
any one pair), the query text prepared once for all of them.
"""

from __future__ import annotations

from typing import Any

from ..candidates import CandidateSettings
from ..errors import StoreError
from ..model import Article
from ..reuse import Reuse
from ..store import Store

__all__ = ["MAX_SOURCES", "query"]

# At most this many stored articles are aligned (those sharing the most rare n-grams first).
MAX_SOURCES = 20


def _has_fingerprints(store: Store) -> bool:
    return bool(store.con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = 'fingerprints'"
                                  ).fetchall())


def query(store: Store, text: Article | str, *, settings: CandidateSettings = CandidateSettings(),
          limit: int = MAX_SOURCES) -> list[Reuse]:
    """Stored articles the text shares passages with, as :class:`Reuse` (``a``: stored article, ``b``: the text),
    most shared first. Raises :class:`StoreError` when the store has not been traced."""
    from ..fingerprint import fingerprint

    if not _has_fingerprints(store):
        raise StoreError(f"{store.path} has no fingerprints yet: run newstrace trace on it first")
    art = text if isinstance(text, Article) else Article.from_text(text, path="<query>")
    hashes = fingerprint(art.text).view("int64")
    if len(hashes) == 0:
        return []
    rows = _sources(store.con, hashes, settings, limit)
    from ..align import DEFAULTS, prepare
    from ..align.segments import segments

    found = {a.id: a for a in store.articles([r[0] for r in rows])}
    pq = prepare(art.text)
    out = [Reuse(found[aid], art, tuple(segments(prepare(found[aid].text), pq, DEFAULTS)))
           for aid, _ in rows if aid in found]
    return [r for r in out if r.passages]


# The stored articles sharing at least min_shared of the query's rare n-grams (the hits as an IN list: see _sources)
_SOURCES = ("WITH hits AS (SELECT article_id, hash FROM fingerprints WHERE hash IN ({})), "
            "rare AS (SELECT hash FROM hits GROUP BY hash HAVING count(*) < ?) "
            "SELECT article_id, count(*) AS n FROM hits SEMI JOIN rare USING (hash) GROUP BY article_id "
            "HAVING count(*) >= ? ORDER BY n DESC, article_id LIMIT ?")


def _sources(con: Any, hashes: Any, settings: CandidateSettings, limit: int) -> list[tuple[str, int]]:
    """(article id, shared rare n-grams) of the best ``limit`` sources. The hashes go in as an IN list of
    constants, which DuckDB answers from the ``fingerprints_hash`` index (made by the trace run) one key at a
    time, when its ``in_clause`` rewrite does not turn the list into a join (a scan of every posting). That
    optimizer can only be switched off for the whole database instance: off for this statement, then back as
    it was (it changes plans, never results). 25 ms instead of ~70 ms at 100k articles (10.9M postings)."""
    keys = ",".join(str(int(h)) for h in hashes)  # integers only: nothing of the text reaches the SQL
    before = con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0] or ""
    off = ",".join(x for x in (before, "in_clause") if x)
    con.execute(f"SET disabled_optimizers = '{off}'")  # noqa: S608 (optimizer names, no input)
    try:
        return con.execute(_SOURCES.format(keys), [settings.max_df, settings.min_shared, limit]).fetchall()
    finally:
        con.execute(f"SET disabled_optimizers = '{before}'")  # noqa: S608


def query_json(r: Reuse) -> dict[str, Any]:
    """The ``newstrace query --json`` object of one source: the compare JSON of (stored article, query)."""
    return r.to_json()
