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
            s.con.execute("SELECT last_seq, part, state FROM story_state ORDER BY part").fetchall())


def _forget_stories(s: Store) -> None:
    s.con.execute("DELETE FROM stories")
    s.con.execute("DELETE FROM story_state")


def test_beside_equals_in_place_fresh_and_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "STORY_CHUNK", 7)  # several chunks through the pipe
    monkeypatch.setattr(engine, "STATE_PART", 1000)  # the states, saved and sent, in several parts each way
    arts = corpus(10, seed=5)
    with Store(tmp_path / "a.duckdb") as s:
        s.add_articles(arts)
        run_pipeline(s, settings=ONE)  # the stories clustered in this process
        reference = _stories(s)
        assert len(reference[0]) == len(arts) and len(reference[1]) > 2
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
        s.con.executemany("INSERT INTO story_state (last_seq, part, state) VALUES (?, ?, ?)", [list(r) for r in saved[1]])
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


def test_a_state_in_parts_and_a_version_3_state_both_continue(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    arts = corpus(12, seed=3)
    with Store(tmp_path / "e.duckdb") as s:
        s.add_articles(arts)
        run_pipeline(s, settings=ONE)
        reference = _stories(s)
    monkeypatch.setattr(engine, "STATE_PART", 1000)  # a few KB of state: several rows
    with Store(tmp_path / "f.duckdb") as s:
        s.add_articles(arts[:7])
        run_pipeline(s, settings=ONE)
        parts = _stories(s)[1]
        assert len(parts) > 2 and [p[1] for p in parts] == list(range(len(parts)))
        assert {p[0] for p in parts} == {parts[0][0]} and all(len(p[2]) <= 1000 for p in parts)
        s.add_articles(arts[7:])
        run_pipeline(s, settings=ONE)  # continued from the parts, joined
        assert _stories(s)[0] == reference[0]
    monkeypatch.undo()
    with Store(tmp_path / "g.duckdb") as s:  # a store written by schema version 3: one row, no part column
        s.add_articles(arts[:7])
        run_pipeline(s, settings=ONE)
        (last, _, state), = _stories(s)[1]
        s.con.execute("DROP TABLE story_state")
        s.con.execute("CREATE TABLE story_state (last_seq BIGINT, state BLOB)")
        s.con.execute("INSERT INTO story_state VALUES (?, ?)", [last, state])
        s.con.execute("UPDATE meta SET value = '3' WHERE key = 'schema:pipeline'")
        s.add_articles(arts[7:])
        run_pipeline(s, settings=ONE)
        assert _stories(s) == reference


def test_state_parts_cover_the_state_without_a_copy() -> None:
    state = bytes(range(256)) * 41
    for size in (1, 7, 256, len(state) - 1, len(state), 10 * len(state)):
        parts = engine._state_parts(state, size)
        assert b"".join(parts.to_pylist()) == state
        assert all(0 < len(p) <= size for p in parts.to_pylist())
    sent = [state[:100], state[100:]]  # the parts as the story process sends them
    assert engine._state_parts(sent).to_pylist() == sent


def test_a_state_save_that_fails_half_way_changes_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "h.duckdb") as s:
        s.add_articles(corpus(3, seed=6))
        run_pipeline(s, settings=ONE)
        before = _stories(s)

        def produce(emit):  # type: ignore[no-untyped-def]
            emit(b"the first part of a state")  # committed into story_state_next on its own ...
            raise RuntimeError("the story process died")  # ... and dropped with it

        with pytest.raises(RuntimeError):
            engine._save_stories(s, 10**9, produce)
        assert _stories(s) == before
        tables = {r[0] for r in s.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "story_state" in tables and "story_state_next" not in tables
        n = engine._save_stories(s, before[1][0][0], lambda emit: (emit(b"x" * 10), emit(b"y"), [("s", "a", 0)])[2])
        assert n == 1 and _stories(s) == ([("s", "a", 0)], [(before[1][0][0], 0, b"x" * 10), (before[1][0][0], 1, b"y")])


def test_the_saved_state_is_stored_uncompressed(tmp_path: Path) -> None:
    # (compressing it cost more CPU than the disk it saved: see engine._next_state)
    with Store(tmp_path / "u.duckdb") as s:
        s.add_articles(corpus(6, seed=8))
        run_pipeline(s, settings=ONE)
        s.con.execute("CHECKPOINT")
        kinds = {r[0] for r in s.con.execute(
            "SELECT compression FROM pragma_storage_info('story_state') WHERE column_name = 'state' "
            "AND segment_type = 'BLOB'").fetchall()}
        assert kinds == {"Uncompressed"}
        assert _stories(s)[1] and all(len(r[2]) > 0 for r in _stories(s)[1])
