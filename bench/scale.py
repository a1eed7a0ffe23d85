"""Scale benchmark (issue 7 item 4): the local engine end to end on generated corpora with planted reuse.

Usage: python bench/scale.py [--sizes 10000] [--spark-size N] [--master local[*]] [--seed 7] [--workdir DIR]
                             [--queries 100] [--no-incremental] [--resume] [--reuse-corpus]

Corpora come from real text: the PAN 2013 source documents and the PolNeAR article texts (../shared/data), cut
into articles of consecutive sentences (disjoint stretches; the texts themselves share some passages, PAN's
sources Project Gutenberg and other boilerplate, so these articles have some unplanted reuse: 0.8 to 1 candidate
pair per article) and, once those run out (about 10,900 articles), re-lexicalised: each sentence is a random
pool sentence whose punctuation, capitalisation and frequent words (the pool's 500 most frequent word types:
stopwords, "said", "told", "according") stay and whose other words are drawn from the pool's unigram
distribution, so sentences of one frame share no content-word n-gram beyond chance (see Generator). A
quarter of the articles receive one planted passage of 100-3,000 characters from a non-host article (60%
verbatim, 40% edited: about one word in fifteen dropped or replaced), inserted at a sentence border, dated after
its donor. For each size the corpus is written as JSON Lines and a child process ingests it and runs the local
engine (all cores): wall time, peak RSS (the whole process tree, sampled), articles/s, and the recall of planted
passages >= 300 characters (found: the pair's passages cover at least half the planted span on the host side,
in source offsets). Then: time(largest)/time(previous size); the Spark engine on the store export of
``--spark-size`` articles and its ratio to the local engine; an incremental add of 1,000 articles to the largest
store; ``query`` latency p50/p95 on the largest store. The figures measured with it, and the note on how far one
machine goes before Spark is the better choice, are in docs/scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from plant import SENT_END, border, passage  # noqa: E402  (bench/ is on sys.path when run as a script)

from newstrace.fingerprint import NGRAM, content_words

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NEWSTRACE_SHARED_DATA", REPO.parent / "shared" / "data"))
OUTLETS = [f"{a} {b}" for a in ("Harbor", "Valley", "Metro", "Coastal", "Prairie", "Summit") for b in
           ("Ledger", "Courier", "Wire", "Times", "Dispatch")]  # invented outlet names
# Word types of the pool kept in re-lexicalised sentences (see Generator): the most frequent ones, lower-cased.
FREQUENT = 500
# Kept frequent words in a row among the content words (fingerprint.content_words): the next one is drawn, so
# runs like "president united states" do not give two sentences of one frame a shared n-gram (NGRAM is 3).
MAX_KEPT_RUN = NGRAM - 1
KEEP, WORD, DIGITS = 0, 1, 2
_TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)  # leading punctuation, word, trailing punctuation of a token
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
MIN_PLANT = 300  # recall is reported for planted passages at least this long (the acceptance measure)


@dataclass
class Plant:
    host: str
    donor: str
    start: int  # host span [start, end) of the inserted passage
    end: int
    kind: str


# -- corpus ------------------------------------------------------------------------------------------------


def load_pool(data: Path = DATA) -> list[list[str]]:
    """Sentences of each source text (PAN sources, PolNeAR texts), white space collapsed."""
    files = sorted((data / "pan13-train" / "src").glob("*.txt")) + sorted((data / "polnear").glob("*/text/*.txt"))
    if not files:
        sys.exit(f"no PAN or PolNeAR texts under {data} (set NEWSTRACE_SHARED_DATA)")
    docs = []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        sents = [" ".join(s.split()) for para in text.split("\n") for s in SENT_END.split(para)]
        sents = [s for s in sents if 20 <= len(s) <= 600]
        if sents:
            docs.append(sents)
    return docs


class Generator:
    """Article texts: disjoint runs of real sentences first, re-lexicalised real sentences after.

    A re-lexicalised sentence is a pool sentence used as a frame: its punctuation, quote marks, capitalisation
    and its words among the pool's :data:`FREQUENT` most frequent (lower-cased) word types stay; every other word
    is replaced by a word drawn, per occurrence, from the pool's unigram distribution of the remaining types (in
    the frame word's case pattern), and every digit by a random digit. A frequent word that would make the third
    kept content word in a row (:data:`MAX_KEPT_RUN`) is drawn too. Two sentences made from one frame share
    stopwords and frequent words ("said", "according", "told"), so the quotation tagger still sees attribution
    structure, but no content-word n-gram (fingerprint.NGRAM) beyond chance.
    """

    def __init__(self, pool: list[list[str]], rng: random.Random):
        self.pool, self.rng = pool, rng
        self.flat = [s for d in pool for s in d]
        self.doc, self.pos = 0, 0
        self.n_real = 0  # articles made of real text (the first ones)
        counts = Counter(m.group(2).lower() for s in self.flat for m in map(_TOKEN.match, s.split())
                         if _LETTER.search(m.group(2)))
        ranked = sorted(counts, key=lambda w: (-counts[w], w))
        self.frequent = frozenset(ranked[:FREQUENT])
        self.words = ranked[FREQUENT:]
        self.cum = list(accumulate(counts[w] for w in self.words))
        self.frames: dict[int, tuple[list[tuple[str, str, str, int]], int]] = {}

    def _target(self) -> int:
        r = self.rng
        return r.randint(600, 2000) if r.random() < 0.7 else r.randint(2000, 5000)

    def _real(self, target: int) -> list[str] | None:
        while self.doc < len(self.pool):
            sents = self.pool[self.doc]
            out: list[str] = []
            while self.pos < len(sents) and sum(map(len, out)) < target:
                out.append(sents[self.pos])
                self.pos += 1
            if self.pos >= len(sents):
                self.doc, self.pos = self.doc + 1, 0
            if sum(map(len, out)) >= 300:
                self.n_real += 1
                return out
        return None

    def _frame(self, i: int) -> tuple[list[tuple[str, str, str, int]], int]:
        """Pool sentence ``i`` as (leading punctuation, word, trailing punctuation, what to do) per token, and
        the number of words to draw. What to do: KEEP (a frequent word, punctuation only), WORD (draw a word),
        DIGITS (draw each digit)."""
        f = self.frames.get(i)
        if f is None:
            f, run = [], 0  # run: kept content words since the last drawn one
            for tok in self.flat[i].split():
                lead, core, trail = _TOKEN.match(tok).groups()
                act = (KEEP if not core or core.lower() in self.frequent else WORD if _LETTER.search(core)
                       else DIGITS if _DIGIT.search(core) else KEEP)
                if content_words(core):  # a word fingerprints see: no more than MAX_KEPT_RUN kept in a row
                    if act == KEEP and run == MAX_KEPT_RUN and _LETTER.search(core):
                        act = WORD
                    run = run + 1 if act == KEEP else 0
                f.append((lead, core, trail, act))
            f = self.frames[i] = (f, sum(a == WORD for *_, a in f))
        return f

    def _relex(self) -> str:
        """One re-lexicalised sentence from a random frame."""
        r = self.rng
        frame, k = self._frame(r.randrange(len(self.flat)))
        draws = iter(r.choices(self.words, cum_weights=self.cum, k=k))
        out = []
        for lead, core, trail, act in frame:
            if act == WORD:
                w = next(draws)
                if core[0].isupper():  # the frame word's case: all capitals, initial capital or lower case
                    w = w.upper() if len(core) > 1 and core.isupper() else w[0].upper() + w[1:]
                core = w
            elif act == DIGITS:
                core = _DIGIT.sub(lambda _: str(r.randrange(10)), core)
            out.append(lead + core + trail)
        return " ".join(out)

    def _relexicalised(self, target: int) -> list[str]:
        out: list[str] = []
        while sum(map(len, out)) < target:
            out.append(self._relex())
        return out

    def text(self) -> str:
        t = self._target()
        return " ".join(self._real(t) or self._relexicalised(t))


def _edit(p: str, rng: random.Random) -> str:
    words = p.split()
    out = []
    for w in words:
        x = rng.random()
        if x < 1 / 30:
            continue
        out.append(rng.choice(words) if x < 1 / 15 else w)
    return " ".join(out)


def make_corpus(n: int, gen: Generator, rng: random.Random, *, prefix: str = "a",
                donors: list[dict] | None = None) -> tuple[list[dict], list[Plant]]:
    """``n`` article records (id, outlet, published, text) and the plants in them. Donors come from ``donors``
    (earlier records) or from this corpus' articles that receive no plant."""
    import datetime as dt

    day0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    rows = [{"id": f"{prefix}{i:07d}", "outlet": rng.choice(OUTLETS), "text": gen.text(),
             "published": (day0 + dt.timedelta(minutes=rng.randrange(365 * 24 * 60)))} for i in range(n)]
    hosts = set(rng.sample(range(n), n // 4))
    pool = donors or [r for i, r in enumerate(rows) if i not in hosts]
    plants = []
    for h in sorted(hosts):
        host, donor = rows[h], rng.choice(pool)
        kind = "verbatim" if rng.random() < 0.6 else "edited"
        p = passage(donor["text"], rng.randint(100, 3000), rng)
        p = p if kind == "verbatim" else _edit(p, rng)
        at = border(host["text"], rng.randrange(len(host["text"])))
        host["text"] = host["text"][:at] + " " + p + " " + host["text"][at:].lstrip()
        host["published"] = donor["published"] + dt.timedelta(hours=rng.randint(1, 48))
        plants.append(Plant(host["id"], donor["id"], at + 1, at + 1 + len(p), kind))
    return rows, plants


def write_jsonl(rows: list[dict], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({**r, "published": r["published"].isoformat()}, ensure_ascii=False) + "\n")


# -- measuring -----------------------------------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


class Child:
    """This script's ``--child`` mode running; :meth:`wait` returns its JSON answer and the peak RSS of its
    process tree."""

    def __init__(self, *args: str):
        self.p = subprocess.Popen([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, text=True)
        self.peak = 0
        self.th = threading.Thread(target=self._sample, daemon=True)
        self.th.start()

    def _sample(self) -> None:
        while self.p.poll() is None:
            self.peak = max(self.peak, _tree_rss(self.p.pid))
            time.sleep(0.5)

    def wait(self) -> tuple[dict, int]:
        out, _ = self.p.communicate()
        self.th.join()
        if self.p.returncode:
            sys.exit(f"child run failed ({self.p.returncode})")
        return json.loads(out.strip().splitlines()[-1]), self.peak


def run_child(*args: str) -> tuple[dict, int]:
    """Run this script's ``--child`` mode; returns its JSON answer and the peak RSS of its process tree."""
    return Child(*args).wait()


def child(jsonl: str, db: str, ingest_too: bool = True) -> None:
    """Ingest ``jsonl`` into ``db`` (unless resuming) and run the local engine; print the timings as one JSON
    line."""
    from newstrace.ingest import ingest
    from newstrace.pipeline import EngineSettings, run_pipeline
    from newstrace.store import Store

    t0 = time.perf_counter()
    with Store(db) as s:
        if ingest_too:
            ingest(jsonl, db=s)
        t1 = time.perf_counter()
        rep = run_pipeline(s, settings=EngineSettings())
    t2 = time.perf_counter()
    print(json.dumps({"ingest_s": t1 - t0, "trace_s": t2 - t1, "wall_s": t2 - t0, **rep.to_dict()}))


def recall(db: Path, plants: list[Plant]) -> tuple[float, float, int]:
    """(recall, mean coverage) of plants >= MIN_PLANT characters, and their number."""
    import duckdb

    want = [p for p in plants if p.end - p.start >= MIN_PLANT]
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT a_id, b_id, a_src_start, a_src_end, b_src_start, b_src_end FROM passages").fetchall()
    finally:
        con.close()
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for a, b, a0, a1, b0, b1 in rows:
        spans.setdefault((a, b), []).append((a0, a1))
        spans.setdefault((b, a), []).append((b0, b1))
    found, cov_sum = 0, 0.0
    for p in want:
        covered = _covered(spans.get((p.host, p.donor), []), p.start, p.end)
        cov = covered / (p.end - p.start)
        found += cov >= 0.5
        cov_sum += cov
    n = len(want)
    return (found / n if n else 1.0), (cov_sum / n if n else 1.0), n


def _covered(iv: list[tuple[int, int]], start: int, end: int) -> int:
    cut = sorted((max(a, start), min(b, end)) for a, b in iv if a < end and b > start)
    total, reach = 0, start
    for a, b in cut:
        a = max(a, reach)
        if b > a:
            total += b - a
            reach = b
    return total


def query_latency(db: Path, texts: list[str]) -> tuple[float, float]:
    """p50 and p95 of :func:`newstrace.pipeline.query.query` over ``texts`` (milliseconds), warm store."""
    from newstrace.pipeline.query import query
    from newstrace.store import Store

    times = []
    with Store(db, read_only=True) as s:
        query(s, texts[0])
        for t in texts:
            t0 = time.perf_counter()
            query(s, t)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(0.95 * len(times)))]


def spark_time(db: Path, work: Path, master: str) -> tuple[float, dict]:
    """Seconds of the Spark engine on the store export of ``db`` (session start included) and its report."""
    from newstrace.engines import SparkSettings, run_spark
    from newstrace.store import Store

    with Store(db, read_only=True) as s:
        s.export(work / "export.parquet")
    t0 = time.perf_counter()
    rep = run_spark([str(work / "export.parquet")], str(work / "spark"), settings=SparkSettings(master=master))
    return time.perf_counter() - t0, rep.to_dict()


# -- the run -------------------------------------------------------------------------------------------------


def run_size(n: int, args: argparse.Namespace, pool: list[list[str]]) -> dict:
    """Generate, ingest and trace ``n`` articles; the measures of that size (and what later steps need).

    With ``--resume`` and a store of a killed run of this size in the work directory, the child continues that
    store (no ingest) while this process generates the same corpus again (same seed) for the plants: the times
    then cover only the steps that were left."""
    rng = random.Random(args.seed)
    gen = Generator(pool, rng)
    work = args.workdir / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    db = work / "store.duckdb"
    corpus, saved = work / "corpus.jsonl", work / "corpus.state.pkl"
    resumed = bool(args.resume and db.exists() and corpus.exists())
    run = Child(str(corpus), str(db), "resume") if resumed else None
    t0 = time.perf_counter()
    state = _saved_corpus(saved, n, args.seed) if args.reuse_corpus and corpus.exists() else None
    if state is not None:  # the corpus of an earlier run of this size and seed, and what followed its making
        gen, rng, plants, donors = state["gen"], state["rng"], state["plants"], state["donors"]
    else:
        rows, plants = make_corpus(n, gen, rng)
        if not resumed:
            write_jsonl(rows, corpus)
        donors = rng.sample(rows, min(len(rows), 5000))  # (the same draw as after the run: the run uses no rng)
        del rows  # 5.6 GB at 1M: with it held, the machine met its OOM killer beside the run (run M)
        if not resumed:
            with open(saved, "wb") as f:
                pickle.dump({"n": n, "seed": args.seed, "gen": gen, "rng": rng, "plants": plants,
                             "donors": donors}, f, protocol=pickle.HIGHEST_PROTOCOL)
    if not resumed:
        for stale in (db, Path(f"{db}.wal")):
            stale.unlink(missing_ok=True)
    gen_s = time.perf_counter() - t0
    ans, peak = (run or Child(str(work / "corpus.jsonl"), str(db))).wait()
    rec, cov, k = recall(db, plants)
    return {"n": n, "gen_s": gen_s, "peak_rss": peak, "recall": rec, "coverage": cov, "planted": k, "db": db,
            "work": work, "gen": gen, "rng": rng, "donors": donors, "resumed": resumed, **ans}


def _saved_corpus(path: Path, n: int, seed: int) -> dict | None:
    """What :func:`run_size` saved beside a corpus it wrote (this script's own pickle, in the work directory it
    was given), when it is for ``n`` articles and ``seed``; else None (the corpus is made again)."""
    try:
        with open(path, "rb") as f:
            state = pickle.load(f)  # noqa: S301 (written by this script into the user's own work directory)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None
    return state if state.get("n") == n and state.get("seed") == seed else None


def show(r: dict) -> None:
    if r.get("resumed"):
        print("    (resumed from a killed run's store: the times below cover only the steps that were left)")
    print(f"{r['n']:>9,} articles  wall {r['wall_s']:8.1f} s (ingest {r['ingest_s']:.1f}, trace {r['trace_s']:.1f})"
          f"  peak RSS {r['peak_rss'] / 2**30:5.2f} GiB  {r['n'] / r['wall_s']:7.1f} articles/s  "
          f"recall(>= {MIN_PLANT} chars) {r['recall']:.4f} over {r['planted']} plants (mean coverage "
          f"{r['coverage']:.3f})  candidates {r['candidates']:,}  reuse pairs {r['reuse_pairs']:,}  "
          f"stories {r['stories']:,}  [corpus built in {r['gen_s']:.1f} s]", flush=True)
    if r.get("stage_seconds"):
        print("    where the time went: ingest {:.1f} s, ".format(r["ingest_s"]) +
              ", ".join(f"{k} {v:.1f} s" for k, v in r["stage_seconds"].items()), flush=True)


def incremental(last: dict) -> None:
    rows, plants = make_corpus(1000, last["gen"], last["rng"], prefix="n", donors=last["donors"])
    jsonl = last["work"] / "add.jsonl"
    write_jsonl(rows, jsonl)
    ans, peak = run_child(str(jsonl), str(last["db"]))
    rec, _, k = recall(last["db"], plants)
    print(f"incremental add of 1,000 articles to {last['n']:,}: {ans['wall_s']:.1f} s = "
          f"{100 * ans['wall_s'] / last['wall_s']:.1f}% of the full run (new pairs {ans['new_pairs']:,}, "
          f"peak RSS {peak / 2**30:.2f} GiB, recall {rec:.4f} over {k} plants)", flush=True)
    if ans.get("stage_seconds"):  # (a fixed part: worker start-up, the story state read and written again)
        print("    where the time went: ingest {:.1f} s, ".format(ans["ingest_s"]) +
              ", ".join(f"{k} {v:.1f} s" for k, v in ans["stage_seconds"].items()), flush=True)


def queries(last: dict, count: int) -> None:
    rng = random.Random(last["n"])
    texts = [_edit(passage(d["text"], 1000, rng), rng) for d in rng.sample(last["donors"], count // 2)]
    texts += [last["gen"].text() for _ in range(count - len(texts))]
    p50, p95 = query_latency(last["db"], texts)
    print(f"query on {last['n']:,} articles ({count} texts, half with reuse): p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def spark(args: argparse.Namespace, pool: list[list[str]], done: dict[int, dict]) -> None:
    r = done.get(args.spark_size) or run_size(args.spark_size, args, pool)
    secs, rep = spark_time(r["db"], r["work"], args.master)
    same = rep["reuse_pairs"] == r["reuse_pairs"] and rep["candidates"] == r["candidates"]
    print(f"spark ({args.master}) on {args.spark_size:,} articles: {secs:.1f} s (session start included), "
          f"ratio spark/local {secs / r['wall_s']:.2f}; same candidate and reuse counts: {same}", flush=True)


def main() -> None:
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3], ingest_too=len(sys.argv) == 4)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000", help="comma-separated corpus sizes")
    ap.add_argument("--spark-size", type=int, default=0, help="run the Spark engine at this size (0: not)")
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--workdir", type=Path, default=None, help="kept after the run (default: a temporary one)")
    ap.add_argument("--reuse-corpus", action="store_true",
                    help="use the corpus an earlier run of the same size and seed left in --workdir (saves its "
                         "making: about 9 minutes at 1M); the store is built afresh")
    ap.add_argument("--resume", action="store_true",
                    help="continue the store a killed run left in --workdir (times cover what was left)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="newstrace-scale-")
        args.workdir = Path(tmp.name)
    pool = load_pool()
    print(f"pool: {len(pool):,} texts, {sum(map(len, pool)):,} sentences; cores: {os.cpu_count()}", flush=True)
    done: dict[int, dict] = {}
    for n in sizes:
        done[n] = run_size(n, args, pool)
        show(done[n])
    if len(sizes) > 1:
        a, b = done[sizes[-2]], done[sizes[-1]]
        print(f"time({b['n']:,}) / time({a['n']:,}) = {b['wall_s'] / a['wall_s']:.2f}")
    if args.spark_size:
        spark(args, pool, done)
    last = done[sizes[-1]]
    if args.queries:
        queries(last, args.queries)
    if not args.no_incremental:
        incremental(last)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
