"""The store connection's explicit DuckDB memory limit and spill directory (store.memory_limit)."""

import pytest

from newstrace import store as store_mod
from newstrace.errors import ConfigError
from newstrace.store import MEMORY_ENV, Store, memory_limit


def _setting(s: Store, name: str) -> str:
    return s.con.execute("SELECT current_setting(?)", [name]).fetchone()[0]


def _to_mib(text: str) -> float:
    num, unit = text.split()
    return float(num) * {"KiB": 2**-10, "MiB": 1, "GiB": 2**10, "TiB": 2**20}[unit]


def test_default_is_a_fraction_of_memory_and_spills_beside_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    monkeypatch.setattr(store_mod, "_physical_memory", lambda: 10 * 2**30)
    assert memory_limit() == "4096MiB"  # 40% of 10 GiB
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        assert _to_mib(_setting(s, "memory_limit")) == pytest.approx(4096, rel=0.01)
        assert _setting(s, "temp_directory") == f"{db}.tmp"
    with Store(db, read_only=True) as s:
        assert _to_mib(_setting(s, "memory_limit")) == pytest.approx(4096, rel=0.01)


def test_default_is_capped(monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    monkeypatch.setattr(store_mod, "_physical_memory", lambda: 1024 * 2**30)
    assert memory_limit() == f"{store_mod.MEMORY_CAP // 2**20}MiB"


def test_real_machine_default_is_below_duckdbs(monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    total = store_mod._physical_memory()
    with Store(":memory:") as s:
        got = _to_mib(_setting(s, "memory_limit"))
    if total:
        assert got == pytest.approx(min(total * store_mod.MEMORY_FRACTION, store_mod.MEMORY_CAP) / 2**20, rel=0.01)


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "300MB")
    with Store(tmp_path / "s.duckdb") as s:
        assert _to_mib(_setting(s, "memory_limit")) == pytest.approx(300e6 / 2**20, rel=0.01)
        s.add_articles([])  # the store still works under the limit


@pytest.mark.parametrize("bad", ["lots", "4GB'; DROP TABLE articles; --", "-1GB"])
def test_a_bad_environment_value_is_a_config_error(tmp_path, monkeypatch, bad):
    monkeypatch.setenv(MEMORY_ENV, bad)
    with pytest.raises(ConfigError, match=MEMORY_ENV):
        Store(tmp_path / "s.duckdb")


def test_a_size_duckdb_refuses_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "4 parsecs")
    with pytest.raises(ConfigError, match=MEMORY_ENV):
        Store(tmp_path / "s.duckdb")


def test_a_step_can_lower_or_raise_the_share_and_go_back(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    monkeypatch.setattr(store_mod, "_physical_memory", lambda: 10 * 2**30)
    with Store(tmp_path / "s.duckdb") as s:
        s.memory_share(0.2)
        assert _to_mib(_setting(s, "memory_limit")) == pytest.approx(2048, rel=0.01)
        s.memory_share(0.5)
        assert _to_mib(_setting(s, "memory_limit")) == pytest.approx(5120, rel=0.01)
        s.memory_share(None)
        assert _to_mib(_setting(s, "memory_limit")) == pytest.approx(4096, rel=0.01)
    monkeypatch.setenv(MEMORY_ENV, "300MB")  # a limit set by hand stays whatever the step
    with Store(tmp_path / "s.duckdb") as s:
        s.memory_share(0.5)
        assert _to_mib(_setting(s, "memory_limit")) == pytest.approx(300e6 / 2**20, rel=0.01)

