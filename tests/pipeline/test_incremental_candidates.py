"""Candidates kept up to date batch by batch equal the candidates of the whole corpus computed at once."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from gen import corpus

from newstrace.candidates import CandidateSettings, candidate_pairs
from newstrace.fingerprint import Postings
from newstrace.pipeline.candidates import update_candidates
from newstrace.pipeline.schema import ensure
from newstrace.pipeline.stages import fingerprint_stage
from newstrace.store import Store


def _fingerprint(s: Store, arts: list) -> None:
    doc, hashes = fingerprint_stage([a.text for a in arts])
    ids = pa.array([a.id for a in arts], pa.string())
    s.con.register("_fp", pa.table({"article_id": ids.take(pa.array(doc)), "hash": pa.array(hashes, pa.int64())}))
    s.con.execute("INSERT INTO fingerprints SELECT * FROM _fp")
    s.con.unregister("_fp")
    s.con.executemany("INSERT INTO stage_done VALUES ('fingerprint', ?)", [[a.id] for a in arts])


def _fresh(arts: list, settings: CandidateSettings) -> list[tuple]:
    ids = [a.id for a in arts]
    doc, hashes = fingerprint_stage([a.text for a in arts])
    c = candidate_pairs(Postings(np.asarray(doc), np.asarray(hashes), len(ids)), settings)
    return sorted((*sorted((ids[a], ids[b])), n, x) for a, b, n, x in
                  zip(c.a.tolist(), c.b.tolist(), c.shared.tolist(), c.containment.tolist()))


@pytest.mark.parametrize("max_df", [2, 3, 50])
def test_batches_equal_one_fresh_join(max_df: int) -> None:
    settings = CandidateSettings(max_df=max_df)
    arts = sorted(corpus(15, seed=3), key=lambda a: a.id.endswith("copy1"))  # third copies arrive last
    lost = 0
    with Store(":memory:") as s:
        ensure(s)
        for k in range(0, len(arts), 13):
            before = s.con.execute("SELECT count(*) FROM candidates").fetchall()[0][0]
            _fingerprint(s, arts[k:k + 13])
            update_candidates(s.con, settings)
            old = s.con.execute("SELECT count(*) FROM candidates WHERE list_contains(?, a_id) AND "
                                "list_contains(?, b_id)", [[a.id for a in arts[:k]]] * 2).fetchall()[0][0]
            lost += before - old
            got = s.con.execute("SELECT * FROM candidates ORDER BY ALL").fetchall()
            assert got == _fresh(arts[:k + 13], settings)
        assert update_candidates(s.con, settings) == len(got)  # nothing new: nothing changes
    if max_df == 2:
        assert lost > 0  # old pairs lost n-grams that became too common


def test_fingerprint_threads_give_the_same_postings(monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace import fingerprint

    texts = [a.text for a in corpus(12, seed=4)]
    assert len(texts) > 2 * 7
    one = fingerprint_stage(texts, 1)
    monkeypatch.setattr(fingerprint, "BATCH", 7)  # several sub-batches, so that the threads have work to share
    for threads in (1, 2, 3):
        doc, hashes = fingerprint_stage(texts, threads)
        assert np.array_equal(doc, one[0]) and np.array_equal(hashes, one[1]), threads
