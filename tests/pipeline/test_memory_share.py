"""run_pipeline lowers DuckDB's memory share beside its processes, raises it for the index, then restores it."""

import pytest
from gen import corpus

from newstrace import store as store_mod
from newstrace.pipeline import EngineSettings, engine, run_pipeline
from newstrace.store import MEMORY_ENV, Store



def test_the_pipeline_lowers_the_share_beside_its_processes_and_restores_it(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    shares: list = []
    real = Store.memory_share
    monkeypatch.setattr(Store, "memory_share", lambda self, f=None: (shares.append(f), real(self, f))[1])
    with Store(tmp_path / "p.duckdb") as s:
        s.add_articles(corpus(4, seed=1))
        run_pipeline(s, settings=EngineSettings(workers=1))
        # stages, the index beside the links, the story step in this process (no pool), back to the default
        assert shares == [engine.STAGE_MEMORY_SHARE, engine.INDEX_MEMORY_SHARE, engine.STAGE_MEMORY_SHARE, None]
        got = s.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    total = store_mod._physical_memory()
    if total:
        num, unit = got.split()
        mib = float(num) * {"KiB": 2**-10, "MiB": 1, "GiB": 2**10, "TiB": 2**20}[unit]
        assert mib == pytest.approx(min(total * store_mod.MEMORY_FRACTION, store_mod.MEMORY_CAP) / 2**20, rel=0.01)
