"""Ingest throughput: articles per second for text files, JSONL and WARC.gz, read and stored.

Inputs are generated in a temporary folder from the PolNeAR texts when ../shared/data is there, else from
synthetic paragraphs, and replicated to --n articles (each copy gets a distinct last line so ids differ).

Run: python bench/ingest.py [--n 3000] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.ingest import ingest
from newstrace.read import read
from newstrace.store import Store

REPO = Path(__file__).resolve().parents[1]


def texts(data: Path, n: int) -> list[str]:
    base = sorted((data / "polnear" / "train" / "text").glob("*.txt"))
    if base:
        pool = [p.read_text(encoding="utf-8") for p in base]
        origin = f"PolNeAR train ({len(pool)} texts)"
    else:
        rnd = random.Random(7)
        words = "the port council said on monday that a new ferry would run from the harbour".split()
        pool = ["Synthetic headline\n\n" + "\n\n".join(" ".join(rnd.choices(words, k=60)) + "." for _ in range(8))
                for _ in range(50)]
        origin = "synthetic text"
    print(f"inputs from {origin}, {n} articles per format")
    return [pool[i % len(pool)] + f"\n\nCopy {i}." for i in range(n)]


def write_inputs(root: Path, docs: list[str]) -> dict[str, Path]:
    tdir = root / "text"
    tdir.mkdir()
    for i, t in enumerate(docs):
        (tdir / f"{i:06d}.txt").write_text(t, encoding="utf-8")
    jl = root / "articles.jsonl"
    with open(jl, "w", encoding="utf-8") as f:
        for i, t in enumerate(docs):
            head, _, body = t.partition("\n\n")
            f.write(json.dumps({"id": f"j{i}", "title": head, "text": body, "date": "2016-05-01"}) + "\n")
    wp = root / "crawl.warc.gz"
    with open(wp, "wb") as f:
        w = WARCWriter(f, gzip=True)
        for i, t in enumerate(docs):
            head, _, body = t.partition("\n\n")
            html = ("<html><head><title>" + head + "</title></head><body><article><h1>" + head + "</h1>"
                    + "".join(f"<p>{p}</p>" for p in body.split("\n\n")) + "</article></body></html>").encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(f"https://bench.example/{i}", "response",
                                                payload=io.BytesIO(html), http_headers=http))
    return {"text files": tdir, "JSONL": jl, "WARC.gz": wp}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NEWSTRACE_SHARED_DATA",
                                                                     REPO.parent / "shared" / "data")))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inputs = write_inputs(root, texts(args.data, args.n))
        print(f"{'format':<12}{'read only':>14}{'read+store':>14}   (articles/s)")
        for name, path in inputs.items():
            t0 = time.perf_counter()
            n_read = sum(1 for _ in read([str(path)]))
            t_read = time.perf_counter() - t0
            with Store(root / f"{name.replace(' ', '_')}.duckdb") as store:
                report = ingest([path], db=store)
            if n_read != report.read:
                print(f"  note: read() gave {n_read} items, ingest counted {report.read}")
            print(f"{name:<12}{n_read / t_read:>14,.0f}{report.articles / report.seconds:>14,.0f}"
                  f"   ({report.articles} articles, {report.rejections} rejected)")


if __name__ == "__main__":
    main()
