"""Fixtures of the pipeline tests: invented corpora, stores, and a dump of every pipeline table."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gen import corpus  # noqa: E402

from newstrace.pipeline import EngineSettings, run_pipeline  # noqa: E402
from newstrace.store import Store  # noqa: E402

TABLES = ("stage_done", "fingerprints", "candidates", "reuse", "passages", "quotes", "credits", "article_facts",
          "quote_matches", "pair_links", "links", "stories", "stage_errors")
# 40 stories of 4 articles: 160 articles, about 140 candidate pairs (about 15 s on one core).
RESUME_STORIES = 40


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every pipeline table, sorted (comparable across stores)."""
    return {t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def duplicates(store: Store) -> dict[str, int]:
    """Rows that occur more than once, per table."""
    return {t: store.con.execute(f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM {t})) FROM {t}"
                                 ).fetchall()[0][0] for t in TABLES}


@pytest.fixture(scope="session")
def resume_reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """The tables of an uninterrupted run over the resume corpus."""
    db = tmp_path_factory.mktemp("ref") / "ref.duckdb"
    with Store(db) as s:
        s.add_articles(corpus(RESUME_STORIES))
        run_pipeline(s, settings=EngineSettings(workers=1))
        return dump(s)
