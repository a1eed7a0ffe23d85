"""A trace killed with SIGKILL (during the article stage, then during the pair stage) and run again ends with
the same rows as an uninterrupted run, without duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import RESUME_STORIES, dump, duplicates
from gen import corpus

from newstrace.pipeline import EngineSettings, run_pipeline
from newstrace.store import Store

_CHILD = textwrap.dedent("""
    import sys
    from newstrace.pipeline import EngineSettings, run_pipeline
    from newstrace.store import Store

    def progress(stage, done, total):
        print(stage, done, total, flush=True)

    if __name__ == "__main__":
        with Store(sys.argv[1]) as s:
            run_pipeline(s, settings=EngineSettings(workers=int(sys.argv[2]), commit=16), on_progress=progress)
        print("finished", 0, 0, flush=True)
""")


def _run_and_kill(db: Path, script: Path, stage: str, after: int, workers: int) -> bool:
    """Run the pipeline in a child process group; SIGKILL it once ``stage`` has ``after`` units done.
    Returns whether it was killed (False: it finished first)."""
    p = subprocess.Popen([sys.executable, str(script), str(db), str(workers)], stdout=subprocess.PIPE, text=True,
                         start_new_session=True)
    assert p.stdout is not None
    for line in p.stdout:
        name, done, _ = line.split()
        if name == stage and int(done) >= after:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            return True
    p.wait()
    return False


def test_killed_twice_then_resumed_equals_uninterrupted(tmp_path: Path, resume_reference: dict) -> None:
    db, script = tmp_path / "t.duckdb", tmp_path / "child.py"
    script.write_text(_CHILD)
    with Store(db) as s:
        s.add_articles(corpus(RESUME_STORIES))
    assert _run_and_kill(db, script, "articles", 40, workers=2)  # the process group: engine and workers
    with Store(db) as s:
        done = s.con.execute("SELECT count(*) FROM stage_done WHERE stage = 'article'").fetchall()[0][0]
        assert 40 <= done < 160  # killed mid-way, whole units kept
    assert _run_and_kill(db, script, "pairs", 30, workers=1)
    with Store(db) as s:
        assert s.con.execute("SELECT count(*) FROM stage_done WHERE stage = 'pair'").fetchall()[0][0] >= 30
        report = run_pipeline(s, settings=EngineSettings(workers=1))
        assert report.new_articles == 0 and report.new_pairs > 0
        assert duplicates(s) == {t: 0 for t in resume_reference}
        got = dump(s)
    for table, rows in resume_reference.items():
        assert got[table] == rows, table
    assert resume_reference["reuse"] and resume_reference["links"] and resume_reference["quotes"]


def test_small_waves_read_ahead_equal_one_wave(tmp_path: Path, resume_reference: dict) -> None:
    """The pair stage reads the next wave in a thread while the current one runs: with waves of 7 pairs (about
    20 of them) the rows are those of the reference run (one wave)."""
    with Store(tmp_path / "w.duckdb") as s:
        s.add_articles(corpus(RESUME_STORIES))
        rep = run_pipeline(s, settings=EngineSettings(workers=1, wave=7))
        assert rep.new_pairs > 5 * 7
        assert dump(s) == resume_reference and not any(duplicates(s).values())


def test_killed_in_the_article_stage_then_finished_by_workers_equals_uninterrupted(
        tmp_path: Path, resume_reference: dict) -> None:
    """Run again with workers, the story process takes the stored features of the articles the killed run did and
    the others as the article stage writes them, merged in seq order: the same stories as an uninterrupted run."""
    db, script = tmp_path / "k.duckdb", tmp_path / "child.py"
    script.write_text(_CHILD)
    with Store(db) as s:
        s.add_articles(corpus(RESUME_STORIES))
    assert _run_and_kill(db, script, "articles", 50, workers=2)
    with Store(db) as s:
        done = s.con.execute("SELECT count(*) FROM stage_done WHERE stage = 'article'").fetchall()[0][0]
        assert 50 <= done < 160
    assert not _run_and_kill(db, script, "never", 0, workers=2)  # runs to its end
    with Store(db) as s:
        assert duplicates(s) == {t: 0 for t in resume_reference}
        got = dump(s)
        story_parts = s.con.execute("SELECT count(*) FROM story_state").fetchall()[0][0]
    for table, rows in resume_reference.items():
        assert got[table] == rows, table
    assert resume_reference["stories"] and story_parts


def test_fingerprints_beside_the_article_stage_equal_one_after_the_other(
        tmp_path: Path, resume_reference: dict) -> None:
    """With workers, the fingerprints and the candidate join run in a thread beside the article stage (through a
    connection of their own): the same rows as the reference run, which does them one after the other."""
    with Store(tmp_path / "b.duckdb") as s:
        s.add_articles(corpus(RESUME_STORIES))
        rep = run_pipeline(s, settings=EngineSettings(workers=2, commit=16, fingerprint_batch=20))
        assert rep.stage_seconds and "candidates (beside the articles)" in rep.stage_seconds
        assert duplicates(s) == {t: 0 for t in resume_reference}
        assert dump(s) == resume_reference


def test_a_stopped_fingerprint_thread_writes_no_further_batch(tmp_path: Path) -> None:
    """When the run fails or is interrupted the thread beside the article stage is told to stop: it writes no
    further batch and does not start the candidate join (so the run ends without waiting for them)."""
    import threading

    from newstrace.pipeline import engine
    from newstrace.pipeline.schema import ensure

    with Store(tmp_path / "s.duckdb") as s:
        s.add_articles(corpus(5))
        ensure(s)
        stop, laps = threading.Event(), {}
        stop.set()
        assert engine._fingerprints_and_candidates(s, EngineSettings(fingerprint_batch=4), laps, stop) == -1
        assert s.con.execute("SELECT count(*) FROM fingerprints").fetchall()[0][0] == 0 and not laps
        stop.clear()
        assert engine._fingerprints_and_candidates(s, EngineSettings(fingerprint_batch=4), laps, stop) > 0
        assert s.con.execute("SELECT count(*) FROM fingerprints").fetchall()[0][0] > 0 and set(laps) == {
            "fingerprints", "candidates"}
