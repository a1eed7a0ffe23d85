"""Candidate generation benchmark: planted reuse in a corpus built from PAN source texts, newstrace vs datasketch.

Usage: python bench/candidates.py [--n 20000] [--seed 7] [--corpus DIR] [--lsh-threshold 0.1] [--skip-datasketch]

Builds N articles by cutting the PAN 2013 documents into hosts (75% short: 250-1,200 chars; 25% long: 1,200-6,000),
then plants reuse into a quarter of them: a passage of 100-3,000 characters from another article, copied
verbatim, edited (words dropped, swapped and inserted) or with its sentences shuffled, inserted at a sentence
border. Reports the recall of planted pairs (overall, ≥ 300 characters, per kind), candidates per article and
articles per second for newstrace (fingerprint + DuckDB postings join) and, on the same texts and shingles,
datasketch MinHash with MinHashLSH (low Jaccard threshold) and with MinHashLSHEnsemble (containment). PAN's suspicious documents hold real reuse of its source documents,
so some candidates that were not planted are true.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from typing import Iterable
from pathlib import Path

import numpy as np

from newstrace.candidates import candidate_pairs, candidate_pairs_numpy
from newstrace.fingerprint import NGRAM, content_words, postings
from plant import SENT_END, border, passage  # noqa: E402  (bench/ is on sys.path when run as a script)

KINDS = ("verbatim", "edited", "shuffled")


@dataclass
class Plant:
    donor: int
    host: int
    length: int
    kind: str


def _hosts(corpus: Path, n: int, rng: random.Random) -> list[str]:
    files = sorted((corpus / "src").glob("*.txt")) + sorted((corpus / "susp").glob("*.txt"))
    rng.shuffle(files)
    out: list[str] = []
    for f in files:
        text = " ".join(f.read_text(encoding="utf-8", errors="replace").split())
        pos = 0
        while pos < len(text) and len(out) < n:
            size = rng.randint(250, 1200) if rng.random() < 0.75 else rng.randint(1200, 6000)
            end = border(text, pos + size)
            if end - pos >= 200:
                out.append(text[pos:end])
            pos = end + 1
        if len(out) >= n:
            break
    if len(out) < n:
        sys.exit(f"only {len(out)} hosts could be cut from {corpus}; lower --n")
    return out



def _transform(p: str, kind: str, rng: random.Random, vocab: list[str]) -> str:
    if kind == "shuffled":
        sents = SENT_END.split(p)
        rng.shuffle(sents)
        return " ".join(sents)
    if kind == "edited":
        out = []
        for w in p.split():
            r = rng.random()
            if r < 0.08:
                continue  # dropped
            out.append(rng.choice(vocab) if r < 0.14 else w)  # swapped
            if rng.random() < 0.05:
                out.append(rng.choice(vocab))  # inserted
        return " ".join(out)
    return p


def build(n: int, corpus: Path, seed: int) -> tuple[list[str], list[Plant]]:
    rng = random.Random(seed)
    texts = _hosts(corpus, n, rng)
    vocab = [w for t in texts[:500] for w in t.split()][:20000]
    idx = list(range(n))
    rng.shuffle(idx)
    q = n // 4
    donors, hosts = idx[:q], idx[q : 2 * q]
    originals = {d: texts[d] for d in donors}
    plants = []
    for d, h in zip(donors, hosts):
        length = int(np.exp(rng.uniform(np.log(100), np.log(3000))))
        piece = passage(originals[d], length, rng)
        kind = KINDS[len(plants) % 3]
        borders = [0] + [m.end() for m in SENT_END.finditer(texts[h])] + [len(texts[h])]
        at = rng.choice(borders)
        texts[h] = (texts[h][:at] + " " + _transform(piece, kind, rng, vocab) + " " + texts[h][at:]).strip()
        plants.append(Plant(d, h, len(piece), kind))
    return texts, plants


def run_newstrace(texts: list[str], join=candidate_pairs) -> tuple[set[tuple[int, int]], float]:
    t0 = time.perf_counter()
    pairs = join(postings(texts)).pairs()
    return pairs, time.perf_counter() - t0


def _minhashes(texts: list[str]) -> list[tuple[object, int]]:
    from datasketch import MinHash

    out = []
    for t in texts:
        w = content_words(t)
        sh = {" ".join(w[i : i + NGRAM]).encode() for i in range(len(w) - NGRAM + 1)}
        m = MinHash(num_perm=128)
        m.update_batch(list(sh))
        out.append((m, max(1, len(sh))))
    return out


def _pairs(results: Iterable[tuple[int, Iterable[int]]]) -> set[tuple[int, int]]:
    return {(min(j, k), max(j, k)) for k, found in results for j in found if j != k}


def run_datasketch(texts: list[str], threshold: float) -> tuple[set[tuple[int, int]], float]:
    """MinHash over the same shingles, MinHashLSH at a low Jaccard threshold (containment shows as low Jaccard)."""
    from datasketch import MinHashLSH

    t0 = time.perf_counter()
    sigs = _minhashes(texts)
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    for k, (m, _) in enumerate(sigs):
        lsh.insert(k, m)
    pairs = _pairs((k, lsh.query(m)) for k, (m, _) in enumerate(sigs))
    return pairs, time.perf_counter() - t0


def run_ensemble(texts: list[str], threshold: float) -> tuple[set[tuple[int, int]], float]:
    """MinHash LSH Ensemble: datasketch's containment index (is the query contained in an indexed text?)."""
    from datasketch import MinHashLSHEnsemble

    t0 = time.perf_counter()
    sigs = _minhashes(texts)
    lsh = MinHashLSHEnsemble(threshold=threshold, num_perm=128, num_part=16)
    lsh.index((k, m, n) for k, (m, n) in enumerate(sigs))
    pairs = _pairs((k, lsh.query(m, n)) for k, (m, n) in enumerate(sigs))
    return pairs, time.perf_counter() - t0


def report(name: str, pairs: set[tuple[int, int]], secs: float, plants: list[Plant], n: int) -> dict:
    hit = [(min(p.donor, p.host), max(p.donor, p.host)) in pairs for p in plants]
    long_ = [h for h, p in zip(hit, plants) if p.length >= 300]
    row = {"name": name, "recall": np.mean(hit), "recall_300": np.mean(long_) if long_ else float("nan"),
           "per_kind": {k: np.mean([h for h, p in zip(hit, plants) if p.kind == k and p.length >= 300])
                        for k in KINDS},
           "cands_per_article": 2 * len(pairs) / n, "secs": secs, "rate": n / secs}
    kinds = " ".join(f"{k} {v:.3f}" for k, v in row["per_kind"].items())
    print(f"{name:34} recall {row['recall']:.4f}  ≥300 chars {row['recall_300']:.4f} ({kinds})  "
          f"candidates/article {row['cands_per_article']:.2f}  {secs:7.1f} s  {row['rate']:8.0f} articles/s")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared/data/pan13-train"))
    ap.add_argument("--lsh-threshold", type=float, default=0.1)
    ap.add_argument("--skip-datasketch", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    texts, plants = build(args.n, Path(args.corpus), args.seed)
    chars = sum(map(len, texts))
    print(f"{args.n} articles ({chars / 1e6:.1f} M chars, {len(plants)} planted pairs, "
          f"{sum(p.length >= 300 for p in plants)} of ≥ 300 chars) built in {time.perf_counter() - t0:.1f} s")
    ours = report("newstrace (postings join, DuckDB)", *run_newstrace(texts), plants, args.n)
    report("newstrace (postings join, numpy)", *run_newstrace(texts, candidate_pairs_numpy), plants, args.n)
    if not args.skip_datasketch:
        theirs = report(f"datasketch MinHashLSH t={args.lsh_threshold}",
                        *run_datasketch(texts, args.lsh_threshold), plants, args.n)
        ens = report(f"datasketch LSH Ensemble c={args.lsh_threshold}",
                     *run_ensemble(texts, args.lsh_threshold), plants, args.n)
        print(f"throughput ratio newstrace (DuckDB) / datasketch: MinHashLSH {ours['rate'] / theirs['rate']:.1f}x, "
              f"LSH Ensemble {ours['rate'] / ens['rate']:.1f}x")


if __name__ == "__main__":
    main()
