"""Throughput of the local engine on the invented corpus: a full run, then an incremental add.

Usage: .venv/bin/python tests/pipeline/bench_engine.py N_ARTICLES N_ADDED WORKERS  (not a test; writes
/tmp/bench.duckdb). Example: tests/pipeline/bench_engine.py 1000 40 2
"""
import os
import resource
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import corpus
from newstrace.store import Store
from newstrace.pipeline import run_pipeline, EngineSettings
def main():
    n, add, workers = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    arts = corpus(n // 4 + add // 4, seed=5)
    base, extra = arts[: n], arts[n: n + add]
    db = "/tmp/bench.duckdb"
    if os.path.exists(db): os.remove(db)
    with Store(db) as s:
        s.add_articles(base)
        r = run_pipeline(s, settings=EngineSettings(workers=workers)); print("full", r, f"{r.articles / r.seconds:.1f} articles/s")
        s.add_articles(extra)
        r2 = run_pipeline(s, settings=EngineSettings(workers=workers)); print("add", r2, f"ratio {r2.seconds / r.seconds:.3f}")
    print("peak RSS MB (self)", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)

if __name__ == "__main__":
    main()
