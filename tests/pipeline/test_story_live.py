"""The story process fed as the article stage writes: the stored features and the live ones merged in seq order
give the stories of the step run in place."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from gen import corpus

from newstrace.pipeline import EngineSettings, engine, run_pipeline
from newstrace.store import Store


class _Sent:
    """A stand-in for the pipe to the story process: what was sent, chunk by chunk."""

    def __init__(self) -> None:
        self.chunks: list[list[str]] = []

    def send(self, chunk: list[str]) -> None:
        self.chunks.append(list(chunk))


def _put_later(live: engine._Live, batches: list[list[tuple[int, str]]], close: bool = False) -> threading.Thread:
    def run() -> None:
        for b in batches:
            time.sleep(0.01)
            live.put(b)
        if close:
            time.sleep(0.01)
            live.close()

    t = threading.Thread(target=run)
    t.start()
    return t


def test_the_feed_merges_stored_and_live_features_in_seq_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "STORY_CHUNK", 3)
    # 5 and 7 were written before the store was read: stored and live both (the live copy is sent, once)
    stored = [(1, "s1"), (2, "s2"), (5, "s5"), (7, "s7"), (9, "s9"), (11, "s11")]
    live = engine._Live([3, 4, 5, 6, 7, 8, 10])
    # the stage finishes out of order: later articles first
    t = _put_later(live, [[(8, "l8"), (10, "l10")], [(6, "l6"), (7, "l7")], [(3, "l3"), (5, "l5"), (4, "l4")]])
    sent, upto = _Sent(), [0]
    assert engine._feed_live(sent, iter(stored), live, upto)
    t.join()
    flat = [f for c in sent.chunks for f in c]
    assert flat == ["s1", "s2", "l3", "l4", "l5", "l6", "l7", "l8", "s9", "l10", "s11"]
    assert upto == [11] and all(0 < len(c) <= 3 for c in sent.chunks)
    # before waiting for the feed it sent what it held: the stored 1 and 2 did not wait for 3
    assert sent.chunks[0] == ["s1", "s2"]
    assert live.peek() is None


def test_a_feed_closed_before_its_end_stops_the_feeder() -> None:
    live = engine._Live([1, 2, 3])
    t = _put_later(live, [[(1, "l1")]], close=True)
    sent, upto = _Sent(), [0]
    assert not engine._feed_live(sent, iter([]), live, upto)
    t.join()
    assert sent.chunks == [["l1"]] and upto == [1]
    live.put([(2, "l2")])  # dropped: nothing takes it any more
    assert live.take(wait=True) is None


def _stories(s: Store) -> tuple[list[tuple], list[tuple]]:
    return (s.con.execute("SELECT * FROM stories ORDER BY ALL").fetchall(),
            s.con.execute("SELECT last_seq, part, state FROM story_state ORDER BY part").fetchall())


def test_stories_fed_live_equal_the_step_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "STORY_CHUNK", 7)
    arts = corpus(10, seed=5)
    with Store(tmp_path / "a.duckdb") as s:
        s.add_articles(arts)
        run_pipeline(s, settings=EngineSettings(workers=1))
        reference = _stories(s)
        s.con.execute("DELETE FROM stories")
        s.con.execute("DELETE FROM story_state")
        facts = s.con.execute("SELECT a.seq, f.* FROM article_facts f JOIN articles a ON a.id = f.article_id "
                              "ORDER BY a.seq").fetchall()
        coming = facts[1::2]  # as if the article stage had yet to do every other article
        s.con.executemany("DELETE FROM article_facts WHERE article_id = ?", [[r[1]] for r in coming])
        started = engine._stories(s, beside=True, coming=[r[0] for r in coming])
        assert started.live is not None
        batches = [coming[i:i + 4] for i in range(0, len(coming), 4)][::-1]  # finished out of order
        for b in batches:  # written, then handed on, as the stage does
            s.con.executemany("INSERT INTO article_facts VALUES (?, ?, ?)", [list(r[1:]) for r in b])
            started.live.put([(r[0], r[3]) for r in b])
        started.finish()
        assert _stories(s) == reference


def test_a_stopped_run_closes_the_feed(tmp_path: Path) -> None:
    with Store(tmp_path / "b.duckdb") as s:
        s.add_articles(corpus(3, seed=2))
        seqs = [r[0] for r in s.con.execute("SELECT seq FROM articles ORDER BY seq").fetchall()]
        engine.ensure(s)
        started = engine._stories(s, beside=True, coming=seqs)
        assert started.live is not None and started._proc is not None
        started.cancel()  # as after a worker died mid-stage: no facts came, nothing waits for them
        assert not started._proc.is_alive()
        assert s.con.execute("SELECT count(*) FROM stories").fetchall() == [(0,)]


def test_the_state_is_stored_while_other_work_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The story process's state is taken in by a thread as soon as it comes, not when finish() is called (at 1M
    articles storing it took minutes after the pair stage)."""
    monkeypatch.setattr(engine, "STATE_PART", 1000)  # several parts
    with Store(tmp_path / "c.duckdb") as s:
        s.add_articles(corpus(10, seed=5))
        run_pipeline(s, settings=EngineSettings(workers=1))
        reference = _stories(s)
        s.con.execute("DELETE FROM stories")
        s.con.execute("DELETE FROM story_state")
        started = engine._stories(s, beside=True)
        deadline, stored = time.monotonic() + 120, 0
        while time.monotonic() < deadline and stored < len(reference[1]):
            time.sleep(0.05)
            tables = {r[0] for r in s.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if "story_state_next" in tables:
                stored = s.con.execute("SELECT count(*) FROM story_state_next").fetchall()[0][0]
        assert stored == len(reference[1]) > 2  # every part in before finish()
        assert _stories(s)[0] == []  # the stories themselves only at finish(), in one transaction
        started.finish()
        assert _stories(s) == reference
