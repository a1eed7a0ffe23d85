"""Speed of the faces: writing the HTML report, and the app's "where did this come from?" lookup.

    python bench/faces.py                       # report for 1,000 articles; lookup against 100,000 articles
    python bench/faces.py --report-articles 1000 --store-articles 20000 --keep /tmp/where.duckdb

The corpora are generated (invented words with a Zipf-like frequency, no real text). The report store gets
the trace pipeline's tables filled (stories of five articles, each derived article taking passages and
quotations from the first), so the figure is the report's own cost, not the analysis'. The lookup store holds
``--store-articles`` articles; the query is a 5,000-character text made of passages of three stored articles
and new words. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newstrace.model import Article  # noqa: E402
from newstrace.store import Store  # noqa: E402

SYLLABLES = ["ka", "ro", "mi", "sta", "ve", "lun", "dor", "pe", "tri", "nal", "o", "gre", "shu", "bel", "an", "ti"]


def vocabulary(n: int, seed: int = 7) -> np.ndarray:
    rng = random.Random(seed)
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(n * 2)}
    return np.array(sorted(words)[:n])


def texts(count: int, chars: int, vocab: np.ndarray, seed: int) -> list[str]:
    """``count`` invented texts of about ``chars`` characters: sentences of Zipf-distributed words."""
    rng = np.random.default_rng(seed)
    ranks = np.minimum(rng.zipf(1.15, size=count * chars // 6), len(vocab)) - 1
    words, out, k = vocab[ranks], [], 0
    for _ in range(count):
        parts, size = [], 0
        while size < chars and k < len(words):
            n = int(rng.integers(8, 20))
            sent = " ".join(words[k:k + n]).capitalize() + "."
            k += n
            parts.append(sent)
            size += len(sent) + 1
        out.append(" ".join(parts))
    return out


def fill_store(path: str, n: int, chars: int = 2500) -> None:
    vocab = vocabulary(40_000)
    with Store(path) as s:
        for start in range(0, n, 10_000):
            batch = texts(min(10_000, n - start), chars, vocab, seed=start)
            s.add_articles(Article.from_text(t, id=f"a{start + i:06d}", outlet=f"Outlet {(start + i) % 97}",
                                             title=t[:60]) for i, t in enumerate(batch))


def report_store(path: str, n: int) -> None:
    """``n`` articles in stories of five, with the trace pipeline's tables filled (stories, links, passages,
    quotes, credits, quote matches), each derived article taking passages and a quotation from the first."""
    from newstrace.pipeline.schema import ensure

    vocab = vocabulary(20_000)
    base = texts(n, 2500, vocab, seed=1)
    arts = []
    for i in range(n):
        head = base[i - i % 5]
        text = base[i] if i % 5 == 0 else head[:900] + " " + base[i][:1600]
        arts.append(Article.from_text(text, id=f"r{i:05d}", outlet=f"Outlet {i % 31}", title=text[:50]))
    rows: dict[str, list[tuple]] = {t: [] for t in ("stories", "links", "passages", "quotes", "credits", "qm")}
    ev = json.dumps([{"kind": "dates", "detail": "earlier", "weight": 3.0}])
    for i, a in enumerate(arts):
        src = arts[i - i % 5]
        rows["stories"].append((src.id, a.id, i % 5))
        rows["quotes"].append((a.id, 0, "direct", f"Speaker {i % 50}", 10, 120))
        rows["credits"].append((a.id, 0, f"Outlet {i % 31}", "according-to", 0, 20))
        if a is not src:
            rows["links"].append((src.id, a.id, src.id, a.id, "a->b", 0.95, i % 2 == 0, 0.4, None, ev))
            rows["passages"].append((src.id, a.id, 0, 0, 450, 0, 450, "verbatim", 1.0))
            rows["passages"].append((src.id, a.id, 1, 450, 900, 450, 900, "edited", 0.8))
            rows["qm"].append((src.id, 0, a.id, 0, "exact", "[]", False))
    sql = {"stories": "INSERT INTO stories VALUES (?, ?, ?)",
           "links": "INSERT INTO links (a_id, b_id, source, derived, direction, confidence, credited, churn, "
                    "common_source, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           "passages": "INSERT INTO passages (a_id, b_id, idx, a_start, a_end, b_start, b_end, kind, similarity) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           "quotes": "INSERT INTO quotes (article_id, idx, kind, speaker_name, content_start, content_end) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
           "credits": 'INSERT INTO credits (article_id, idx, outlet, kind, start, "end") VALUES (?, ?, ?, ?, ?, ?)',
           "qm": "INSERT INTO quote_matches VALUES (?, ?, ?, ?, ?, ?, ?)"}
    with Store(path) as s:
        s.add_articles(arts)
        ensure(s)
        for key, stmt in sql.items():
            s.con.executemany(stmt, rows[key])


def bench_report(n: int, tmp: str) -> None:
    from newstrace.report import write_report

    db = os.path.join(tmp, "report.duckdb")
    report_store(db, n)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = write_report(db, os.path.join(tmp, "report.html"))
        times.append(time.perf_counter() - t0)
    with Store(db, read_only=True) as s:
        from newstrace.views import Views

        v = Views(s)
        stories = v.stories()
        shown = (len(stories), sum(len(x.links) for x in stories), v.status())
    if not all(x == "stored" for x in shown[2].values()):
        print(f"report: WARNING: not every stage was read from the store: {shown[2]}")
    print(f"report: {n:,} articles, {shown[0]:,} stories, {shown[1]:,} links (all stages stored) -> "
          f"{out.stat().st_size / 1e6:.1f} MB HTML in "
          f"{min(times):.2f} s (best of 3; median {statistics.median(times):.2f} s)")
    bench_browser(out)


def bench_browser(html: Path) -> None:
    """Open the report in headless Chromium (when installed): load time and DOM size, home and a pair view."""
    chromium = "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("report in chromium: skipped (playwright not installed)")
        return
    if not os.path.exists(chromium):
        print("report in chromium: skipped (no /usr/bin/chromium)")
        return
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=args)
        page = b.new_page()
        t0 = time.perf_counter()
        page.goto(html.as_uri())
        page.wait_for_selector("#stories li")
        load = time.perf_counter() - t0
        home = page.evaluate("document.getElementsByTagName('*').length")
        t0 = time.perf_counter()
        page.evaluate("location.hash = 'l=0,0'")
        page.wait_for_selector("#pb mark")
        pair = time.perf_counter() - t0
        nodes = page.evaluate("document.getElementsByTagName('*').length")
        b.close()
    print(f"report in chromium: loaded and drawn in {load:.2f} s with {home:,} DOM elements; a side-by-side view "
          f"drawn in {pair * 1000:.0f} ms ({nodes:,} elements)")


def bench_where(n: int, keep: str | None, tmp: str) -> None:
    from newstrace.web.where import WhereIndex

    db = keep or os.path.join(tmp, "where.duckdb")
    if not (keep and os.path.exists(db)):
        t0 = time.perf_counter()
        fill_store(db, n)
        print(f"where: built a store of {n:,} articles in {time.perf_counter() - t0:.1f} s")
    with Store(db) as s:
        n = s.stats()["articles"]
        t0 = time.perf_counter()
        index = WhereIndex(s)
        print(f"where: index ready in {time.perf_counter() - t0:.1f} s ({index.indexed:,} articles newly "
              f"fingerprinted; the postings are kept in the store and loaded into memory at start)")
        rng = random.Random(3)
        picks = [s.article(f"a{rng.randrange(n):06d}") for _ in range(3)]
        fresh = texts(1, 2600, vocabulary(40_000), seed=999_999)[0]
        query = (" ".join(p.text[200:1000] for p in picks) + " " + fresh)[:5000]
        lat, found = [], []
        for _ in range(5):
            t0 = time.perf_counter()
            found = index.lookup(query)
            lat.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        index.candidates(query)
        cand = time.perf_counter() - t0
        hit = {p.id for p in picks} <= {f.article.id for f in found}
        print(f"where: 5,000-char query against {n:,} articles: median {statistics.median(lat) * 1000:.0f} ms, "
              f"max {max(lat) * 1000:.0f} ms (candidate join alone {cand * 1000:.0f} ms); "
              f"{len(found)} sources found, the 3 planted sources {'all' if hit else 'NOT all'} among them")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report-articles", type=int, default=1000)
    ap.add_argument("--store-articles", type=int, default=100_000)
    ap.add_argument("--keep", help="store file for the lookup bench (reused when it exists)")
    ap.add_argument("--skip-report", action="store_true")
    ap.add_argument("--skip-where", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_report:
            bench_report(args.report_articles, tmp)
        if not args.skip_where:
            bench_where(args.store_articles, args.keep, tmp)


if __name__ == "__main__":
    main()
