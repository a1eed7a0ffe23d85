"""Adding articles to a traced store processes only the new articles and pairs, and ends where a fresh run does."""

from __future__ import annotations

from pathlib import Path

from conftest import dump
from gen import corpus

from newstrace.pipeline import EngineSettings, run_pipeline
from newstrace.store import Store

ONE = EngineSettings(workers=1, fingerprint_batch=7, commit=5)  # several batches and commits per stage


def test_incremental_equals_fresh(tmp_path: Path) -> None:
    arts = corpus(12, seed=11)
    old, new = arts[:30], arts[30:]  # one story split: its new copy joins links and candidates already stored
    with Store(tmp_path / "fresh.duckdb") as s:
        s.add_articles(arts)
        fresh_report = run_pipeline(s, settings=ONE)
        fresh = dump(s)
    with Store(tmp_path / "incr.duckdb") as s:
        s.add_articles(old)
        first = run_pipeline(s, settings=ONE)
        s.add_articles(new)
        second = run_pipeline(s, settings=ONE)
        new_ids = [a.id for a in new]
        involving_new = s.con.execute("SELECT count(*) FROM candidates WHERE list_contains(?, a_id) OR "
                                      "list_contains(?, b_id)", [new_ids, new_ids]).fetchall()[0][0]
        again = run_pipeline(s, settings=ONE)
        incr = dump(s)
    assert first.new_articles == len(old) and second.new_articles == len(new)
    assert second.new_pairs == involving_new > 0  # only pairs with a new article were aligned
    assert first.new_pairs + second.new_pairs == fresh_report.new_pairs
    assert again.new_articles == 0 and again.new_pairs == 0
    for table, rows in fresh.items():
        assert incr[table] == rows, table
