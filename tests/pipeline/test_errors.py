"""A unit whose stage raises is recorded in ``stage_errors`` and the run goes on (the article keeps its story)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gen import corpus

from newstrace.pipeline import EngineSettings, run_pipeline, stages
from newstrace.store import Store


def test_a_failing_article_and_pair_do_not_stop_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_article, real_pair = stages.article_stage, stages.pair_stage

    def article(a):  # type: ignore[no-untyped-def]
        if a.id == "s001-copy0":
            raise ValueError("invented failure")
        return real_article(a)

    def pair(a, b, *rest):  # type: ignore[no-untyped-def]
        if (a.id, b.id) == ("s000-copy0", "s000-orig"):
            raise RuntimeError("invented pair failure")
        return real_pair(a, b, *rest)

    monkeypatch.setattr(stages, "article_stage", article)
    monkeypatch.setattr(stages, "pair_stage", pair)
    with Store(tmp_path / "e.duckdb") as s:
        s.add_articles(corpus(3, seed=4))
        r = run_pipeline(s, settings=EngineSettings(workers=1))
        errors = s.con.execute("SELECT stage, unit, error FROM stage_errors ORDER BY ALL").fetchall()
        in_story = s.con.execute("SELECT count(*) FROM stories WHERE article_id = 's001-copy0'").fetchall()[0][0]
        again = run_pipeline(s, settings=EngineSettings(workers=1))
    assert r.errors == 2 and again.new_articles == 0 and again.new_pairs == 0
    assert errors == [("article", "s001-copy0", "ValueError: invented failure"),
                      ("pair", "s000-copy0\ts000-orig", "RuntimeError: invented pair failure")]
    assert in_story == 1
