"""The story step run beside the pair stage (its own process, fed in chunks) equals the step run in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from gen import corpus

from newstrace.errors import StoreError
from newstrace.pipeline import EngineSettings, engine, run_pipeline
from newstrace.store import Store

ONE = EngineSettings(workers=1)


def _stories(s: Store) -> tuple[list[tuple], list[tuple]]:
    return (s.con.execute("SELECT * FROM stories ORDER BY ALL").fetchall(),
            s.con.execute("SELECT last_seq, state FROM story_state").fetchall())


def _forget_stories(s: Store) -> None:
    s.con.execute("DELETE FROM stories")
    s.con.execute("DELETE FROM story_state")


def test_beside_equals_in_place_fresh_and_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "STORY_CHUNK", 7)  # several chunks through the pipe
    arts = corpus(10, seed=5)
    with Store(tmp_path / "a.duckdb") as s:
        s.add_articles(arts)
        run_pipeline(s, settings=ONE)  # the stories clustered in this process
        reference = _stories(s)
        assert len(reference[0]) == len(arts)
        _forget_stories(s)
        n = engine._stories(s, beside=True).finish()
        assert _stories(s) == reference
        assert n == len({r[0] for r in reference[0]})
        # up to date: nothing is started, the count comes from the table
        again = engine._stories(s, beside=True)
        assert again._proc is None and again.finish() == n
    with Store(tmp_path / "b.duckdb") as s:  # continuing a saved state in the story process
        s.add_articles(arts[:23])
        run_pipeline(s, settings=ONE)
        saved = _stories(s)
        s.add_articles(arts[23:])
        run_pipeline(s, settings=ONE)
        assert _stories(s) == reference
        _forget_stories(s)  # back to the state after the first 23 articles
        for row in saved[0]:
            s.con.execute("INSERT INTO stories VALUES (?, ?, ?)", list(row))
        s.con.execute("INSERT INTO story_state VALUES (?, ?)", list(saved[1][0]))
        engine._stories(s, beside=True).finish()
        assert _stories(s) == reference


def test_a_failing_story_process_raises_and_keeps_the_work(tmp_path: Path) -> None:
    with Store(tmp_path / "c.duckdb") as s:
        s.add_articles(corpus(3, seed=2))
        run_pipeline(s, settings=ONE)
        before = _stories(s)
        _forget_stories(s)
        s.con.execute("UPDATE article_facts SET features = '{\"id\": \"x\"}' WHERE article_id = "
                      "(SELECT min(article_id) FROM article_facts)")
        with pytest.raises(StoreError, match="story clustering failed"):
            engine._stories(s, beside=True).finish()
        assert _stories(s) == ([], [])  # nothing half-written; a later run rebuilds
        assert before[0]


def test_a_saved_state_that_does_not_load_is_rebuilt_beside_too(tmp_path: Path) -> None:
    arts = corpus(6, seed=8)
    with Store(tmp_path / "d.duckdb") as s:
        s.add_articles(arts)
        run_pipeline(s, settings=ONE)
        reference = _stories(s)
        # a state from elsewhere (not an archive), said to reach half-way: the story process cannot load it,
        # so the main process clusters every article again from the first
        s.con.execute("UPDATE story_state SET state = ?, last_seq = last_seq / 2", [b"not a clusterer state"])
        started = engine._stories(s, beside=True)
        assert started._proc is not None  # the state was not loaded here: the story process found it stale
        started.finish()
        assert _stories(s) == reference
