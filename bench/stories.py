"""Story similarity: evaluation on story-chains, and the PolNeAR calibration behind the default threshold.

    .venv/bin/python bench/stories.py                 # P/R/F1 of same_story on ../shared/data/story-chains
    .venv/bin/python bench/stories.py --calibrate     # how DEFAULT_STORY_THRESHOLD was chosen (PolNeAR only)

Evaluation: story-chains (Gedikli et al. 2021) labels 4,950 pairs of 100 articles, 1 = same story chain. idf is
taken from the 100 articles (the corpus at hand). The default threshold is never fitted to these labels; the
best-threshold F1 is printed only so the gap is visible.

Calibration: PolNeAR (another corpus, 2016 US politics). Different-story pairs are two articles published more
than 30 days apart (a harsh null: one campaign, one vocabulary). Same-story pairs are not labelled there, so the
rule is precision-first: the threshold is the lowest at which at most 0.1% of the null pairs pass (same-story
pairs are a few percent of all pairs in a news corpus, so a 0.1% false-positive rate keeps precision high).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import time
from pathlib import Path

from newstrace.stories import (DEFAULT_STORY_THRESHOLD, DocFreq, StoryClusterer, StoryFeatures, story_features,
                               story_similarity)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NULL_MIN_GAP_DAYS = 30
NULL_MAX_FPR = 0.001
NULL_PAIRS = 40_000


def _date(s: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s.strip()[:10])
    except ValueError:
        return None


def load_story_chains(root: Path) -> tuple[list[StoryFeatures], list[tuple[str, str, bool]]]:
    with open(root / "articles.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    csv.field_size_limit(sys.maxsize)
    feats = [story_features(r["text"], id=r["url"], title=r["title"], published=_date(r["date"])) for r in rows]
    with open(root / "pairs.csv", encoding="utf-8-sig", newline="") as fh:
        pairs = [(r["url1"], r["url2"], r["relation"].strip() == "1") for r in csv.DictReader(fh, delimiter=";")]
    return feats, pairs


def prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(root: Path) -> None:
    t0 = time.perf_counter()
    feats, pairs = load_story_chains(root)
    by_id = {f.id: f for f in feats}
    df = DocFreq.of(feats)
    scores = [story_similarity(by_id[a], by_id[b], df=df) for a, b, _ in pairs]
    gold = [g for _, _, g in pairs]
    elapsed = time.perf_counter() - t0
    p, r, f = prf([s >= DEFAULT_STORY_THRESHOLD for s in scores], gold)
    print(f"story-chains: {len(feats)} articles, {len(pairs)} pairs, {sum(gold)} same-chain ({elapsed:.1f}s)")
    print(f"same_story @ default {DEFAULT_STORY_THRESHOLD:.2f}: P={p:.3f} R={r:.3f} F1={f:.3f}")
    best = max((prf([s >= t for s in scores], gold)[2], t) for t in sorted(set(round(s, 3) for s in scores)))
    print(f"for information, best threshold on these labels: {best[1]:.3f} F1={best[0]:.3f}")
    clusterer = StoryClusterer()
    clusterer.extend(sorted(feats, key=lambda f: (f.published or dt.date.min, f.id)))
    cp, cr, cf = prf([clusterer.story_of(a) == clusterer.story_of(b) for a, b, _ in pairs], gold)
    print(f"incremental stories (by date): {len(clusterer.stories())} stories; "
          f"pairwise P={cp:.3f} R={cr:.3f} F1={cf:.3f}")


def calibrate(root: Path) -> None:
    meta = [r for r in csv.DictReader(open(root / "metadata.tsv", encoding="utf-8"), delimiter="\t")
            if r["compartment"] in ("train", "dev")]
    docs = []
    for r in meta:
        path = root / r["compartment"] / "text" / f"{r['filename']}.txt"
        if path.exists() and _date(r["publication_date"]):
            docs.append(story_features(path.read_text(encoding="utf-8"), id=r["filename"], title=r["title"],
                                       published=None))
            docs[-1] = StoryFeatures(docs[-1].id, docs[-1].words, docs[-1].entities, _date(r["publication_date"]))
    df = DocFreq.of(docs)
    rng = random.Random(5)
    null = []
    while len(null) < NULL_PAIRS:
        a, b = rng.sample(docs, 2)
        if abs((a.published - b.published).days) > NULL_MIN_GAP_DAYS:
            # text score only: undated copies, so the time damping does not make the null look easy
            null.append(story_similarity(StoryFeatures(a.id, a.words, a.entities),
                                         StoryFeatures(b.id, b.words, b.entities), df=df))
    null.sort()
    k = int(len(null) * (1 - NULL_MAX_FPR))
    print(f"PolNeAR: {len(docs)} texts, {len(null)} null pairs (> {NULL_MIN_GAP_DAYS} days apart)")
    for q in (0.5, 0.9, 0.99, 0.999):
        print(f"  null quantile {q}: {null[int(len(null) * q)]:.3f}")
    print(f"threshold at null false-positive rate {NULL_MAX_FPR}: {null[k]:.3f} "
          f"(default in code: {DEFAULT_STORY_THRESHOLD})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calibrate", action="store_true", help="derive the threshold on PolNeAR")
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    if args.calibrate:
        calibrate(args.data / "polnear")
    else:
        evaluate(args.data / "story-chains")


if __name__ == "__main__":
    main()
