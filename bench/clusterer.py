"""Story-clusterer benchmark: the story step's own cost as the corpus grows, on the features a traced store holds.

Usage:
    python bench/clusterer.py --db STORE.duckdb [--limit N] [--block 50000] [--save-at N/2] [--rows OUT.txt]

Reads ``article_facts.features`` in article order from a store that ``bench/scale.py --workdir`` kept
(``<workdir>/n<size>/store.duckdb``; opened read-only), then feeds them to one :class:`StoryClusterer` in one
process, as the story process does: CPU per article for each block of ``--block`` articles (the JSON decoding
apart), the vocabulary size, and at the end the stories found, a digest of the story rows, the saved state's
size and the process's peak RSS. ``--save-at`` saves the state and continues from a reload at that article, as an
incremental run would (the rows must not change). ``--rows`` writes every story row, to compare two versions.

The story step is sequential on either engine, so its cost per article is what bounds one machine beyond a few
million articles (docs/scale.md, "How far one machine goes").
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import duckdb  # noqa: E402

from newstrace.pipeline import codec  # noqa: E402
from newstrace.pipeline.stages import cluster_stories  # noqa: E402
from newstrace.stories import StoryClusterer  # noqa: E402


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=None, help="the first N articles (default: all)")
    ap.add_argument("--block", type=int, default=50_000)
    ap.add_argument("--save-at", type=int, default=None, help="save and reload the state after N articles")
    ap.add_argument("--rows", type=Path, default=None)
    a = ap.parse_args(argv)
    if not a.db.exists():
        print(f"no store at {a.db}", file=sys.stderr)
        return 2
    con = duckdb.connect(str(a.db), read_only=True)
    sql = ("SELECT f.features FROM article_facts f JOIN articles a ON a.id = f.article_id ORDER BY a.seq"
           + (f" LIMIT {int(a.limit)}" if a.limit else ""))
    cur = con.execute(sql)
    c = StoryClusterer()
    done, spent, decoding = 0, 0.0, 0.0
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    while rows := cur.fetchmany(a.block):
        t0 = _cpu()
        feats = [codec.features_from(r[0]) for r in rows]
        t1 = _cpu()
        for f in feats:
            c.add(f)
            done += 1
            if done == a.save_at:
                c = StoryClusterer.from_bytes(c.to_bytes())
        t2 = _cpu()
        spent += t2 - t1
        decoding += t1 - t0
        print(f"{done:>10,} articles: {1000 * (t2 - t1) / len(rows):.3f} ms CPU an article in this block "
              f"(decoding the JSON {1000 * (t1 - t0) / len(rows):.3f}), {len(c._vocab):,} terms", flush=True)
    con.close()
    rows_out, c = cluster_stories(iter(()), c)
    digest = hashlib.sha256(repr(sorted(rows_out)).encode()).hexdigest()[:16]
    if a.rows:
        a.rows.write_text("".join(f"{s}\t{x}\t{i}\n" for s, x, i in sorted(rows_out)))
    state = len(c.to_bytes())
    print(f"{done:,} articles: {1000 * spent / max(done, 1):.3f} ms CPU an article in all (decoding "
          f"{1000 * decoding / max(done, 1):.3f}); {len({r[0] for r in rows_out}):,} stories, rows {digest}; "
          f"state {state / 1e6:.1f} MB; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} "
          f"GiB ({rss0 / 2**20:.2f} before)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
