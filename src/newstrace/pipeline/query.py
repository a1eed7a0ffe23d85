"""Query a traced store with a new text: the stored articles it took from, with passages, without indexing it.

The text's n-gram fingerprint is looked up in the ``fingerprints`` table; stored articles sharing at least
``min_shared`` rare n-grams with it (rare: held by fewer than ``max_df`` stored articles, the same rule the
candidate join uses with the query counted in) are aligned as ``newstrace compare`` aligns (passages only: the
quotation and provenance fields of a full compare cost ten times the alignment, and ``compare`` gives them for
any one pair), the query text prepared once for all of them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

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
    con = store.con
    con.register("_q", pa.table({"hash": pa.array(hashes, pa.int64())}))
    try:
        rows = con.execute(
            "WITH hits AS (SELECT f.article_id, f.hash FROM fingerprints f SEMI JOIN _q USING (hash)), "
            "rare AS (SELECT hash FROM hits GROUP BY hash HAVING count(*) < ?) "
            "SELECT article_id, count(*) AS n FROM hits SEMI JOIN rare USING (hash) GROUP BY article_id "
            "HAVING count(*) >= ? ORDER BY n DESC, article_id LIMIT ?",
            [settings.max_df, settings.min_shared, limit]).fetchall()
    finally:
        con.unregister("_q")
    from ..align import DEFAULTS, prepare
    from ..align.segments import segments

    found = {a.id: a for a in store.articles([r[0] for r in rows])}
    pq = prepare(art.text)
    out = [Reuse(found[aid], art, tuple(segments(prepare(found[aid].text), pq, DEFAULTS)))
           for aid, _ in rows if aid in found]
    return [r for r in out if r.passages]


def query_json(r: Reuse) -> dict[str, Any]:
    """The ``newstrace query --json`` object of one source: the compare JSON of (stored article, query)."""
    return r.to_json()
