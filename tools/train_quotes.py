"""Train the attribution tagger on PolNeAR train; writes src/newstrace/quotes/attrib.crfsuite.xz.

Also writes the mined cue lexicon (src/newstrace/quotes/cue_lexicon.tsv) the tagger's features read.

Usage: nice -n 10 .venv/bin/python tools/train_quotes.py [--train ../shared/data/polnear/train]
       [--holdout 0.1]   (train on the rest, score the held-out part of *train*: tagger alone and the
                          whole quotes() pipeline; writes no weights)
       [--c1 C1] [--c2 C2] [--iters N]   (CRF options; the defaults in PARAMS are the shipped ones)
       [--passes 2]      (also the optional stacked second pass, attrib2.crfsuite.xz; not shipped: it scored
                          lower on the holdout and halves the speed)
       [--head]          (only the accurate mode's head, attrib-head.npz, over contextual word vectors of train;
                          with --holdout: the CRF is trained as usual and the head's effect scored too)
       [--vectors DIR]   (with --head: keep each document's contextual vectors there, to run again faster)

The shipped weights come from the plain command (no options: c1 0.02, c2 1.5, at most 150 iterations), about
10 minutes on one core. Deterministic: the same train folder and options give the same weights. Dev is never
read here.
"""

from __future__ import annotations

import argparse
import lzma
import sys
import time
from pathlib import Path

import pycrfsuite

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.quotes import lexicon  # noqa: E402
from newstrace.quotes.brat import load_gold  # noqa: E402
from newstrace.quotes.features import featurize, stack, tokenize  # noqa: E402
from newstrace.quotes.tagger import MODEL2_PATH, MODEL_PATH, labels_for  # noqa: E402

# CRF options, compared on a 10% holdout of train (every 10th document): c1 0.1 -> 0.05 -> 0.02 with the
# growing feature set moved overlap F1 by under a point; 0.02 kept (best exact F1). 150 L-BFGS iterations.
# c2 (L2) 0.01 -> 0.1 -> 0.5 -> 1.5, whole pipeline, overlap F1 Source / Cue / Content: 0.743 / 0.744 / 0.778,
# 0.750 / 0.754 / 0.784, 0.756 / 0.758 / 0.783, 0.756 / 0.769 / 0.790 (exact 0.664 / 0.628 / 0.412 ->
# 0.682 / 0.641 / 0.428); 1.5 kept. Stronger L2 also converges sooner (the run stops before 150 iterations).
PARAMS = {"c1": 0.02, "c2": 1.5, "max_iterations": 150, "feature.possible_transitions": True}


def doc_spans(doc) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(role, a, b) for att in doc.attributions for role, frags in att.items() for a, b in frags]


# Second pass: out-of-fold first-pass labels come from FOLDS models trained with FOLD_ITERS iterations (fewer
# than the final model's, to keep training time down; the labels only need to be as noisy as at run time).
FOLDS = 2
FOLD_ITERS = 60
# Folds for mining the cue lexicon out of fold (prepare()). 1 (in sample) is shipped: on the 10% holdout,
# whole pipeline, exact / overlap F1 Source, Cue, Content went from 0.682 / 0.756, 0.641 / 0.769, 0.428 / 0.790
# (in sample) to 0.677 / 0.753, 0.634 / 0.760, 0.427 / 0.787 with 5 folds. Also tried on the same holdout and not
# shipped: word-cluster features (k-means over PPMI-SVD vectors of PolNeAR train and PAN text, three grains, for
# each word and its neighbours at +-1, +-2), alone 0.686 / 0.759, 0.634 / 0.766, 0.424 / 0.788 and with the
# out-of-fold lexicon 0.689 / 0.761, 0.643 / 0.769, 0.426 / 0.790: within half a point of the shipped model.
LEXICON_FOLDS = 1


def mine_lexicon(docs):  # type: ignore[no-untyped-def]
    """The mined cue lexicon's counts over ``docs`` (words inside gold Cue spans vs. all occurrences)."""
    rows = []
    for d in docs:
        toks = tokenize(d.text)
        gold = labels_for(toks, doc_spans(d))
        rows.append(([d.text[s:e].lower() for s, e in toks], [g.endswith("C") for g in gold]))
    return lexicon.mine(rows)


def prepare(docs, folds: int = 0):  # type: ignore[no-untyped-def]
    """(text, tokens, features, gold labels) of each document, and the lexicon mined from all these documents
    (left in force, as at run time). With ``folds`` > 1 each document's features see a lexicon mined from the
    other folds only, so that training sees cue levels as noisy as on new text (a word seen only in this
    document's own cues gets no level); otherwise one lexicon from all of them."""
    counts = mine_lexicon(docs)
    parts = [list(range(len(docs)))] if folds <= 1 else [list(range(f, len(docs), folds)) for f in range(folds)]
    out: list = [None] * len(docs)
    for part in parts:
        if folds > 1:
            inside = set(part)
            lexicon.set_rates(mine_lexicon([d for k, d in enumerate(docs) if k not in inside]))
        else:
            lexicon.set_rates(counts)
        for k in part:
            d = docs[k]
            toks = tokenize(d.text)
            out[k] = (d.text, toks, featurize(d.text, toks), labels_for(toks, doc_spans(d)))
    lexicon.set_rates(counts)
    return out, counts


def train(rows, out: Path, params: dict, labels1=None) -> None:  # type: ignore[no-untyped-def]
    tr = pycrfsuite.Trainer(verbose=False)
    for k, (text, toks, feats, gold) in enumerate(rows):
        tr.append(feats if labels1 is None else stack(feats, text, toks, labels1[k]), gold)
    tr.set_params(params)
    tr.train(str(out))


def out_of_fold(rows, params: dict) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """First-pass labels for each training document from a model that did not see it."""
    labels: list[list[str]] = [[] for _ in rows]
    tmp = Path("/tmp/newstrace-fold.crfsuite")
    for f in range(FOLDS):
        train([r for k, r in enumerate(rows) if k % FOLDS != f], tmp, dict(params, max_iterations=FOLD_ITERS))
        tg = pycrfsuite.Tagger()
        tg.open(str(tmp))
        for k, r in enumerate(rows):
            if k % FOLDS == f:
                labels[k] = tg.tag(r[2])
        tg.close()
    return labels


def train_all(rows, out1: Path, out2: Path, params: dict, reuse: bool = False,  # type: ignore[no-untyped-def]
              passes: int = 2) -> None:
    """Both passes (or only the first); a path ending in .xz gets the model xz-compressed."""
    raw1, raw2 = Path("/tmp/newstrace-pass1.crfsuite"), Path("/tmp/newstrace-pass2.crfsuite")
    if reuse and out1.exists():
        raw1 = out1
    else:
        train(rows, raw1, params)
    done = [(raw1, out1)]
    if passes > 1:
        train(rows, raw2, params, out_of_fold(rows, params))
        done.append((raw2, out2))
    elif out2.exists():
        out2.unlink()  # a stale second pass must not run on top of a new first pass
    for raw, out in done:
        if raw != out:
            data = raw.read_bytes()
            out.write_bytes(lzma.compress(data, preset=6) if out.suffix == ".xz" else data)


def score_holdout(held, model1: Path, model2: Path, passes: int,  # type: ignore[no-untyped-def]
                  dump: str | None = None, head: Path | None = None) -> None:
    """Tagger-only and full-pipeline (``quotes()``) scores on the held-out part of train; with ``dump``, also
    writes each held-out document's gold and predicted spans as JSON lines there (for error analysis); with
    ``head``, the accurate mode's pipeline too, with that head."""
    from newstrace.model import Article
    from newstrace.quotes import context, quotes, tagger
    from newstrace.quotes.evaluate import evaluate, format_table

    tagger.MODEL_PATH, tagger.MODEL2_PATH = model1, model2
    for cached in (tagger._tagger, tagger._crf, tagger._type_scores, tagger._place_weights):
        cached.cache_clear()
    accurate = head is not None
    if accurate:
        context.HEAD_PATH = head
        context.head.cache_clear()

    def full(text: str) -> list[tuple[str, int, int]]:
        out = []
        for q in quotes(Article.from_text(text), accurate=accurate):
            out += [(r, s.start, s.end) for r, s in (("Source", q.speaker), ("Cue", q.cue), ("Content", q.content))
                    if s is not None]
        return out

    print(format_table(evaluate(held, lambda t: tagger.tag_spans(t, passes=passes)), label="tagger"))
    print(format_table(evaluate(held, full), label="accurate" if accurate else "pipeline"))
    if dump:
        import json

        with open(dump, "w", encoding="utf-8") as f:
            for d in held:
                f.write(json.dumps({"name": d.name, "text": d.text, "gold": [{r: list(fr) for r, fr in att.items()}
                                                                for att in d.attributions],
                                    "pred": full(d.text)}) + "\n")


# The accurate mode's head (src/newstrace/quotes/context.py): one hidden ReLU layer of HEAD_HIDDEN units over each
# word's contextual vector (MiniLM layers 3 and 6, 768 values), sklearn's MLPClassifier with these settings. Its
# log-probabilities join the CRF's state scores times HEAD_ALPHA. Chosen on the 10% train holdout, whole pipeline,
# exact / overlap F1 Source, Cue, Content (CRF alone: 0.682 / 0.756, 0.641 / 0.769, 0.428 / 0.790):
#   logistic regression head, alpha 0.5:  0.696 / 0.769, 0.668 / 0.773, 0.434 / 0.786 (alpha 1, 2: lower)
#   MLP 256, alpha 0.5:                   0.715 / 0.784, 0.688 / 0.791, 0.453 / 0.804
#   MLP 256, alpha 1.0:                   0.701 / 0.780, 0.686 / 0.788, 0.424 / 0.792
#   MLP 256, alpha 0.5, O threshold 0.8:  0.710 / 0.789, 0.684 / 0.790, 0.448 / 0.802
#   MLP 256, alpha 0.5, head's O log-probability lowered by 0.5 / 1.0 (a recall bias inside Viterbi):
#                                         0.718 / 0.787, 0.683 / 0.790, 0.439 / 0.805 and
#                                         0.720 / 0.785, 0.675 / 0.788, 0.417 / 0.802 (not kept)
# Word vectors beside their neighbours' (2,304 inputs) were not measured: the training matrix needs ~19 GB.
# PolNeAR dev, run once with the shipped head (python bench/polnear.py): 0.749 / 0.794, 0.701 / 0.794, 0.472 / 0.818.
HEAD_HIDDEN = 256
HEAD_ALPHA = 0.5
HEAD_NEIGHBOURS = False
HEAD_PATH_DEFAULT = ROOT / "src" / "newstrace" / "quotes" / "attrib-head.npz"


def _vectors_one(args):  # type: ignore[no-untyped-def]
    name, text, folder = args
    import numpy as np

    from newstrace.quotes import context

    f = Path(folder) / f"{name}.npy" if folder else None
    if f is not None and f.exists():
        return np.load(f).astype(np.float32)
    v = context.encoder().word_vectors(text, tokenize(text))
    if f is not None:
        np.save(f, v.astype(np.float16))
    return v.astype(np.float16).astype(np.float32)  # the same precision whether cached or not


def doc_vectors(docs, folder: str | None, jobs: int = 2):  # type: ignore[no-untyped-def]
    """Each document's contextual word vectors (one process per core; cached in ``folder`` when given)."""
    from concurrent.futures import ProcessPoolExecutor

    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    work = [(d.name, d.text, folder) for d in docs]
    with ProcessPoolExecutor(jobs) as ex:
        return list(ex.map(_vectors_one, work, chunksize=4))


def train_head(docs, out: Path, folder: str | None) -> None:
    """Fit the accurate mode's head on ``docs`` and write it to ``out`` (npz)."""
    import numpy as np
    from sklearn.neural_network import MLPClassifier

    from newstrace.quotes.context import Head
    from newstrace.quotes.tagger import LABELS

    vecs = doc_vectors(docs, folder)
    x = np.concatenate([Head.inputs(v, HEAD_NEIGHBOURS) for v in vecs])
    y = np.array([LABELS.index(g) for d in docs for g in labels_for(tokenize(d.text), doc_spans(d))])
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    x -= mu
    x /= sd
    clf = MLPClassifier(hidden_layer_sizes=(HEAD_HIDDEN,), alpha=1e-3, batch_size=512, max_iter=30,
                        early_stopping=True, n_iter_no_change=3, random_state=0)
    clf.fit(x, y)
    assert list(clf.classes_) == list(range(len(LABELS)))
    np.savez_compressed(out, mu=mu.astype(np.float32), sd=sd.astype(np.float32),
                        w1=clf.coefs_[0].astype(np.float32), b1=clf.intercepts_[0].astype(np.float32),
                        w2=clf.coefs_[1].astype(np.float32), b2=clf.intercepts_[1].astype(np.float32),
                        alpha=np.float64(HEAD_ALPHA), neighbours=np.bool_(HEAD_NEIGHBOURS), labels=np.array(LABELS))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", default=str(ROOT.parent / "shared" / "data" / "polnear" / "train"))
    ap.add_argument("--holdout", type=float, default=0.0)
    ap.add_argument("--c1", type=float, default=PARAMS["c1"])
    ap.add_argument("--c2", type=float, default=PARAMS["c2"])
    ap.add_argument("--reuse", action="store_true", help="with --holdout: keep an existing first-pass model")
    ap.add_argument("--passes", type=int, default=1, help="2: also train the optional stacked second pass")
    ap.add_argument("--iters", type=int, default=PARAMS["max_iterations"])
    ap.add_argument("--lexicon-folds", type=int, default=LEXICON_FOLDS,
                    help="mine the cue lexicon out of fold for the training features (1: in sample)")
    ap.add_argument("--model-out", default="/tmp/newstrace-holdout.crfsuite", help="with --holdout: model path")
    ap.add_argument("--dump", default=None, help="with --holdout: write gold and predicted spans (JSON lines)")
    ap.add_argument("--head", action="store_true", help="the accurate mode's head (see HEAD_* above)")
    ap.add_argument("--vectors", default=None, help="with --head: cache folder for contextual vectors")
    a = ap.parse_args()
    params = dict(PARAMS, c1=a.c1, c2=a.c2, max_iterations=a.iters)
    docs = load_gold(a.train)
    t0 = time.time()
    if a.holdout:
        k = max(1, int(1 / a.holdout))
        held = [d for i, d in enumerate(docs) if i % k == 0]
        rest = [d for i, d in enumerate(docs) if i % k != 0]
        tmp, tmp2 = Path(a.model_out), Path(a.model_out + ".2")
        rows, _ = prepare(rest, a.lexicon_folds)
        train_all(rows, tmp, tmp2, params, reuse=a.reuse, passes=a.passes)
        print(f"trained {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
        head = None
        if a.head:
            head = Path(a.model_out + ".head.npz")
            train_head(rest, head, a.vectors)
            print(f"head trained {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
        score_holdout(held, tmp, tmp2, a.passes, a.dump, head)
    elif a.head:
        train_head(docs, HEAD_PATH_DEFAULT, a.vectors)
        print(f"wrote {HEAD_PATH_DEFAULT}")
    else:
        rows, counts = prepare(docs, a.lexicon_folds)
        lexicon.save(counts)
        train_all(rows, MODEL_PATH, MODEL2_PATH, params, passes=a.passes)
        print(f"wrote {lexicon.LEXICON_PATH}, {MODEL_PATH}" + (f", {MODEL2_PATH}" if a.passes > 1 else ""))
    print(f"{len(docs)} docs, {time.time() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
