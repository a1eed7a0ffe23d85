"""Shared fixtures. Real data lives in ../shared/data beside the clone; tests that need it skip without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NEWSTRACE_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or $NEWSTRACE_SHARED_DATA); skips the test with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (set NEWSTRACE_SHARED_DATA or place shared/ beside the clone)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def seeds(shared_data: Path) -> tuple[Path, Path]:
    """The two seed articles: (Jerusalem Post report, later rewrite)."""
    files = sorted((shared_data / "seeds").glob("*.txt"))
    if len(files) != 2:
        pytest.skip(f"expected two seed files in {shared_data / 'seeds'}, found {len(files)}")
    return files[0], files[1]
