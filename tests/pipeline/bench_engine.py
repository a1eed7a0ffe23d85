"""Throughput of the local engine on the invented corpus: a full run, then an incremental add.

Usage (not a test; writes $BENCH_DB, default /tmp/bench.duckdb):
    .venv/bin/python tests/pipeline/bench_engine.py N_ARTICLES N_ADDED WORKERS    e.g. 1000 40 2
"""

from __future__ import annotations

import os
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gen import corpus  # noqa: E402

from newstrace.pipeline import EngineSettings, run_pipeline  # noqa: E402
from newstrace.store import Store  # noqa: E402

DB = os.environ.get("BENCH_DB", "/tmp/bench.duckdb")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (steadier than wall time on a shared machine)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    n, add, workers = (int(x) for x in sys.argv[1:4])
    arts = corpus(n // 4 + add // 4 + 1, seed=5)
    base, extra = arts[:n], arts[n:n + add]
    if os.path.exists(DB):
        os.remove(DB)
    with Store(DB) as s:
        s.add_articles(base)
        cpu0 = _cpu()
        full = run_pipeline(s, settings=EngineSettings(workers=workers))
        cpu1 = _cpu()
        print("full", full, f"{full.articles / full.seconds:.1f} articles/s, {cpu1 - cpu0:.1f} s CPU")
        s.add_articles(extra)
        more = run_pipeline(s, settings=EngineSettings(workers=workers))
        print("add", more, f"time ratio to the full run {more.seconds / full.seconds:.3f}, "
              f"{_cpu() - cpu1:.1f} s CPU")
    print("peak RSS of this process (MB)", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


if __name__ == "__main__":
    main()
