"""Pair-stage benchmark: time :func:`newstrace.pipeline.stages.pair_stage` on candidate pairs of a traced store
and check its rows against a saved reference.

Usage:
    python bench/pairs.py load --db STORE.duckdb --out PAIRS.pkl [--n 1500] [--components]
    python bench/pairs.py run --pairs PAIRS.pkl [--save REF.pkl] [--check REF.pkl] [--profile OUT.prof] [--limit N]
    python bench/pairs.py mixed --n 8000 --workdir DIR

``load`` reads ``--n`` candidate pairs with their pair-stage inputs (both articles, stored quotations and facts)
from a store that ``bench/scale.py --workdir`` kept (``<workdir>/n<size>/store.duckdb``), or that ``mixed`` made
(``DIR/store.duckdb``: a bench/scale.py corpus of generated articles only, made once the real text is used up,
as most of a 100k-article one is, traced with the local engine; its candidate pairs are nearly all planted reuse). The pairs are those
one of two workers sees in a corpus run: the candidates in ``a_id, b_id`` order cut into tasks of
``EngineSettings.pair_chunk`` pairs, every other task, taken from three stretches of the list (start, middle,
end), so the prepared-text cache sees the hits a real run gives it. Those stretches over-weight the cheap pairs:
the first lies among the real-text articles, whose boilerplate pairs (the largest component: 21% of a 100k
run's pairs, 2% of a 1M run's) cost about half as much as the rest. ``--components`` draws blocks of 400 pairs
at random from the pair stage's order instead (:func:`newstrace.pipeline.engine._by_component`, pairs grouped
by component) and keeps one worker's share of each block's tasks: the mix and the cache hits of a corpus run.

``run`` times ``pair_stage`` over them (after a warm-up on the first 50 pairs; the caches of prepared texts and
sentence stems are emptied before the timed pass), prints ms per pair, and with ``--save`` writes every output
row, with ``--check`` compares the rows with a saved reference (floats, also inside JSON, equal to 1e-9).
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
import time
from pathlib import Path

PAIR_TABLES = ("reuse", "passages", "quote_matches", "pair_links")


def _run_order_sample(todo: list[tuple[str, str]], n: int, chunk: int, seed: int = 7,
                       block: int = 400) -> list[tuple[str, str]]:
    """About ``n`` pairs as a corpus run orders them (:func:`newstrace.pipeline.engine._by_component`): blocks of
    ``block`` consecutive pairs drawn at random from that order, each cut into tasks as the run cuts them and one
    worker's share kept (every other task). The blocks sample the corpus's mix of pairs (a large component gets
    its share of them), and within a block the prepared-text cache sees a run's hits."""
    import random

    from newstrace.pipeline.engine import _by_component, _group_chunks

    ordered, groups = _by_component(todo)
    starts = list(range(0, len(ordered), block))
    picked = sorted(random.Random(seed).sample(starts, min(len(starts), -(-2 * n // block))))
    pairs: list[tuple[str, str]] = []
    for at in picked:
        tasks = list(_group_chunks(ordered[at:at + block], groups[at:at + block], chunk, 4 * chunk))
        pairs += [p for t in tasks[::2] for p in t]
    return pairs[:n]


def load(db: str, out: str, n: int, components: bool = False) -> None:
    from newstrace.pipeline import EngineSettings
    from newstrace.store import Store

    chunk = EngineSettings().pair_chunk
    with Store(db, read_only=True) as s:
        todo = s.con.execute("SELECT a_id, b_id FROM candidates ORDER BY a_id, b_id").fetchall()
        if components:
            pairs = _run_order_sample(todo, n, chunk)
        else:
            tasks = [todo[k:k + chunk] for k in range(0, len(todo), chunk)][::2]  # one worker's tasks
            per = max(1, n // (3 * chunk))
            picked = []
            for start in (0, len(tasks) // 2 - per // 2, len(tasks) - per):
                picked += tasks[max(0, start):max(0, start) + per]
            pairs = [p for t in picked for p in t][:n]
        ids = sorted({x for p in pairs for x in p})
        arts = {a.id: a for a in s.articles(ids)}
        quotes: dict[str, list[str]] = {i: [] for i in ids}
        for aid, q in s.con.execute("SELECT article_id, quote FROM quotes ORDER BY article_id, idx").fetchall():
            if aid in quotes:
                quotes[aid].append(q)
        facts = {aid: f for aid, f in s.con.execute("SELECT article_id, facts FROM article_facts").fetchall()
                 if aid in quotes}
    rows = [(arts[a], arts[b], quotes[a], quotes[b], facts[a], facts[b]) for a, b in pairs]
    with open(out, "wb") as f:
        pickle.dump(rows, f)
    print(f"{len(rows)} pairs of {len(todo)} candidates, {len(ids)} articles -> {out}")


def mixed(n: int, work: Path) -> None:
    import random

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import scale  # noqa: E402  (bench/scale.py: its generator)

    from newstrace.ingest import ingest
    from newstrace.pipeline import EngineSettings, run_pipeline
    from newstrace.store import Store

    work.mkdir(parents=True, exist_ok=True)
    pool = scale.load_pool()
    rng = random.Random(77)
    gen = scale.Generator(pool, rng)
    gen.doc = len(pool)  # the real text used up: every article generated
    rows, _ = scale.make_corpus(n, gen, rng)
    scale.write_jsonl(rows, work / "corpus.jsonl")
    db = work / "store.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    with Store(str(db)) as s:
        ingest(str(work / "corpus.jsonl"), db=s)
        print(run_pipeline(s, settings=EngineSettings()).to_dict())


def _clear_caches() -> None:
    from newstrace.pipeline import stages

    stages._PREPARED.clear()
    for name in ("newstrace.provenance.facts", "newstrace.align.seeds", "newstrace.align.prep"):
        mod = sys.modules.get(name)
        for obj in vars(mod).values() if mod else ():
            if hasattr(obj, "cache_clear") and getattr(obj, "__module__", None) == name:
                obj.cache_clear()
    for hook in getattr(stages, "_CACHES", ()):
        hook()


def _rows(r) -> tuple:
    return tuple(tuple(getattr(r, t)) for t in PAIR_TABLES) + (tuple(r.errors),)


def _same(x, y, path: str = "") -> str | None:
    """None when equal (floats to 1e-9, JSON strings parsed), else where they differ."""
    if isinstance(x, float) and isinstance(y, float):
        return None if math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9) else f"{path}: {x!r} != {y!r}"
    if isinstance(x, str) and isinstance(y, str):
        if x == y:
            return None
        try:
            return _same(json.loads(x), json.loads(y), path + "<json>")
        except ValueError:
            return f"{path}: {x!r} != {y!r}"
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        if len(x) != len(y):
            return f"{path}: length {len(x)} != {len(y)}"
        for k, (u, v) in enumerate(zip(x, y)):
            d = _same(u, v, f"{path}[{k}]")
            if d:
                return d
        return None
    if isinstance(x, dict) and isinstance(y, dict):
        if x.keys() != y.keys():
            return f"{path}: keys {sorted(x)} != {sorted(y)}"
        for k in x:
            d = _same(x[k], y[k], f"{path}.{k}")
            if d:
                return d
        return None
    return None if x == y else f"{path}: {x!r} != {y!r}"


def run(args: argparse.Namespace) -> None:
    from newstrace.pipeline import codec
    from newstrace.pipeline.stages import pair_stage

    with open(args.pairs, "rb") as f:
        inputs = pickle.load(f)
    if args.limit:
        inputs = inputs[:args.limit]
    inputs = [(a, b, [codec.quote_from(q) for q in qa], [codec.quote_from(q) for q in qb], fa, fb)
              for a, b, qa, qb, fa, fb in inputs]
    for x in inputs[:50]:
        pair_stage(*x)
    _clear_caches()
    import newstrace.align as align

    prepare, calls = align.prepare, [0]

    def counted(text: str):
        calls[0] += 1
        return prepare(text)

    align.prepare = counted  # stages.prepared imports it at each call
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t0 = time.process_time()
    w0 = time.perf_counter()
    out = [pair_stage(*x) for x in inputs]
    cpu, wall = time.process_time() - t0, time.perf_counter() - w0
    if prof is not None:
        prof.disable()
        prof.dump_stats(args.profile)
    align.prepare = prepare
    counts = {t: sum(len(getattr(r, t)) for r in out) for t in PAIR_TABLES}
    print(f"{len(inputs)} pairs: {1000 * cpu / len(inputs):.3f} ms CPU per pair ({1000 * wall / len(inputs):.3f} "
          f"ms wall); {calls[0] / len(inputs):.3f} texts prepared per pair; rows {counts}")
    rows = [_rows(r) for r in out]
    if args.save:
        with open(args.save, "wb") as f:
            pickle.dump(rows, f)
    if args.check:
        with open(args.check, "rb") as f:
            ref = pickle.load(f)
        ref = ref[:len(rows)]
        bad = [(k, d) for k, (x, y) in enumerate(zip(ref, rows)) if (d := _same(x, y))]
        if len(ref) != len(rows):
            bad.append((-1, f"{len(ref)} reference pairs, {len(rows)} now"))
        print("identical to the reference" if not bad else f"{len(bad)} pairs differ, first: {bad[:3]}")
        if bad:
            sys.exit(1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    lo = sub.add_parser("load")
    lo.add_argument("--db", required=True)
    lo.add_argument("--out", required=True)
    lo.add_argument("--n", type=int, default=1500)
    lo.add_argument("--components", action="store_true",
                    help="blocks of the pair stage's order drawn at random instead of three stretches in id order")
    ru = sub.add_parser("run")
    ru.add_argument("--pairs", required=True)
    ru.add_argument("--save")
    ru.add_argument("--check")
    ru.add_argument("--profile")
    ru.add_argument("--limit", type=int, default=0)
    mx = sub.add_parser("mixed")
    mx.add_argument("--n", type=int, default=8000)
    mx.add_argument("--workdir", type=Path, required=True)
    args = ap.parse_args()
    if args.cmd == "load":
        load(args.db, args.out, args.n, args.components)
    elif args.cmd == "mixed":
        mixed(args.n, args.workdir)
    else:
        run(args)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
