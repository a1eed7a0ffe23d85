"""PAN 2013 text-alignment evaluation: run newstrace over a PAN corpus and score it with the official measures.

Usage: python bench/pan.py [CORPUS] [--every K] [--workers N] [--out DIR]
Prints macro character precision and recall, granularity and PlagDet per sub-corpus and overall, the number of
01-no-plagiarism pairs with detections, and the wall time. Cross-check: python ../shared/eval/plagdet.py CORPUS DIR
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from newstrace.align import DEFAULTS
from newstrace.pan import read_pairs, run_pan

Case = tuple[int, int, int, int]


def _features(path: Path, name: str) -> list[Case]:
    if not path.exists():
        return []
    return [(int(f.get("this_offset")), int(f.get("this_length")), int(f.get("source_offset")),
             int(f.get("source_length"))) for f in ET.parse(path).getroot().iter("feature") if f.get("name") == name]


def _inter(a0: int, al: int, b0: int, bl: int) -> tuple[int, int]:
    return max(a0, b0), min(a0 + al, b0 + bl)


def _covered(target: Case, others: list[Case]) -> tuple[int, int, int]:
    """Characters of ``target`` (this side, source side) covered by ``others`` that overlap it on both sides."""
    t_iv, s_iv, hits = [], [], 0
    for o in others:
        t = _inter(target[0], target[1], o[0], o[1])
        s = _inter(target[2], target[3], o[2], o[3])
        if t[1] > t[0] and s[1] > s[0]:
            t_iv.append(t)
            s_iv.append(s)
            hits += 1
    return _union(t_iv), _union(s_iv), hits


def _union(iv: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for a, b in sorted(iv):
        a = max(a, end)
        if b > a:
            total += b - a
            end = b
    return total


def measures(pairs: list[tuple[list[Case], list[Case]]]) -> dict:
    rec, nc, prec, nd, gran, ndet = 0.0, 0, 0.0, 0, 0, 0
    for cases, dets in pairs:
        for c in cases:
            t, s, hits = _covered(c, dets)
            rec += (t + s) / (c[1] + c[3])
            nc += 1
            if hits:
                gran += hits
                ndet += 1
        for d in dets:
            t, s, _ = _covered(d, cases)
            prec += (t + s) / max(1, d[1] + d[3])
            nd += 1
    r = rec / nc if nc else 1.0
    p = prec / nd if nd else (1.0 if nc == 0 else 0.0)
    g = gran / ndet if ndet else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return dict(plagdet=f1 / math.log2(1 + g), precision=p, recall=r, granularity=g, cases=nc, detections=nd)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared/data/pan13-train"))
    ap.add_argument("--every", type=int, default=1, help="evaluate every K-th pair of each sub-corpus")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated sub-corpus prefixes to run (e.g. 03,05)")
    ap.add_argument("--out", default=None, help="keep detections here (default: a temporary folder)")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="override an AlignSettings default (for experiments; report the defaults)")
    args = ap.parse_args()
    settings = DEFAULTS
    for kv in args.set:
        k, v = kv.split("=", 1)
        settings = dataclasses.replace(settings, **{k: type(getattr(DEFAULTS, k))(v)})
    corpus = Path(args.corpus)
    subs = sorted(d for d in corpus.iterdir() if d.name[:2].isdigit() and d.is_dir())
    if args.only:
        subs = [d for d in subs if d.name[:2] in args.only.split(",")]
    chosen = {s.name: read_pairs(s / "pairs")[:: args.every] for s in subs}
    out = Path(args.out or tempfile.mkdtemp(prefix="pan-"))
    t0 = time.perf_counter()
    allpairs = [p for v in chosen.values() for p in v]
    run_pan(allpairs, corpus / "src", corpus / "susp", out, workers=args.workers, settings=settings)
    wall = time.perf_counter() - t0
    rows, pooled = {}, []
    for sub, pairs in chosen.items():
        scored = [(_features(corpus / sub / p.out_name, "plagiarism"),
                   _features(out / p.out_name, "detected-plagiarism")) for p in pairs]
        rows[sub] = measures(scored)
        if sub.startswith("01"):
            rows[sub]["fp_pairs"] = sum(1 for _, d in scored if d)
        pooled += scored
    rows["all"] = measures(pooled)
    print(f"{'sub-corpus':28} {'plagdet':>8} {'prec':>7} {'rec':>7} {'gran':>6} {'cases':>6} {'dets':>6}")
    for k, r in rows.items():
        extra = f"  pairs with detections {r['fp_pairs']}/{len(chosen[k])}" if "fp_pairs" in r else ""
        print(f"{k:28} {r['plagdet']:8.4f} {r['precision']:7.4f} {r['recall']:7.4f} {r['granularity']:6.3f} "
              f"{r['cases']:6d} {r['detections']:6d}{extra}")
    print(f"{len(allpairs)} pairs in {wall:.1f} s with {args.workers} workers; detections in {out}")


if __name__ == "__main__":
    sys.exit(main())
