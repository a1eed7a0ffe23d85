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
    for cached in (tagger._tagger, tagger._crf, tagger._type_scores, tagger._place_weights, tagger._second_pass):
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


# The accurate mode's head (src/newstrace/quotes/context.py, Head): each word's contextual vector (MiniLM layers 3
# and 6, 768 values) standardised, projected to HEAD_PROJ with ReLU, read by one LSTM each way (HEAD_HIDDEN units),
# then a softmax over the labels from the projection and both states. Trained with torch on CPU (cross-entropy,
# Adam 1e-3, dropout HEAD_DROPOUT, 8 documents a batch, at most HEAD_EPOCHS epochs, stopped when the loss on every
# 20th training document has not improved for 3 epochs). Its log-probabilities join the CRF's state scores times
# HEAD_ALPHA. Chosen on the 10% train holdout, whole pipeline, exact / overlap F1 Source, Cue, Content (CRF alone:
# 0.682 / 0.756, 0.641 / 0.769, 0.428 / 0.790):
#   word-by-word heads (sklearn), alpha 0.5, the best of each kind:
#     logistic regression:                0.696 / 0.769, 0.668 / 0.773, 0.434 / 0.786
#     MLP, 256 hidden:                    0.715 / 0.784, 0.688 / 0.791, 0.453 / 0.804 (shipped before the LSTM)
#     (MLP with alpha 1, an O threshold of 0.8, or its O log-probability lowered: no better)
#   the LSTM head, 128 each way:          alpha 0.5  0.749 / 0.804, 0.696 / 0.808, 0.499 / 0.816
#                                         alpha 1    0.751 / 0.806, 0.699 / 0.808, 0.500 / 0.816
#                                         alpha 2    0.745 / 0.805, 0.698 / 0.810, 0.488 / 0.813
#                                         alpha 4    0.742 / 0.806, 0.699 / 0.812, 0.477 / 0.813
#   (256 units each way: not finished, each epoch twice as long.)
# PolNeAR dev, run once with the shipped head (python bench/polnear.py): 0.785 / 0.828, 0.719 / 0.816, 0.519 / 0.834
# (the MLP head before it: 0.749 / 0.794, 0.701 / 0.794, 0.472 / 0.818).
HEAD_PROJ = 256
HEAD_HIDDEN = 128
HEAD_DROPOUT = 0.3
HEAD_EPOCHS = 20
HEAD_ALPHA = 1.0
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
    """Fit the accurate mode's head on ``docs`` and write it to ``out`` (npz, read by context.Head)."""
    import numpy as np
    import torch
    from torch import nn

    from newstrace.quotes.tagger import LABELS

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    vecs = doc_vectors(docs, folder)
    gold = [np.array([LABELS.index(g) for g in labels_for(tokenize(d.text), doc_spans(d))]) for d in docs]
    items = list(zip(vecs, gold))
    val = items[::20]
    fit = [it for i, it in enumerate(items) if i % 20]
    x_all = np.concatenate([v for v, _ in fit])
    mu, sd = x_all.mean(axis=0), x_all.std(axis=0) + 1e-6
    del x_all

    class SeqHead(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.drop = nn.Dropout(HEAD_DROPOUT)
            self.proj = nn.Linear(len(mu), HEAD_PROJ)
            self.fwd = nn.LSTM(HEAD_PROJ, HEAD_HIDDEN, batch_first=True)
            self.bwd = nn.LSTM(HEAD_PROJ, HEAD_HIDDEN, batch_first=True)
            self.out = nn.Linear(HEAD_PROJ + 2 * HEAD_HIDDEN, len(LABELS))

        def forward(self, x, lens):  # type: ignore[no-untyped-def]
            h = torch.relu(self.proj(self.drop(x)))
            hd = self.drop(h)
            ar = torch.arange(x.shape[1])[None, :]
            # each document reversed in place (padding stays at the end), so the backward LSTM starts at its last word
            idx = torch.where(ar < lens[:, None], lens[:, None] - 1 - ar, ar)[:, :, None]
            of, _ = self.fwd(hd)
            ob, _ = self.bwd(torch.gather(hd, 1, idx.expand(-1, -1, hd.shape[2])))
            ob = torch.gather(ob, 1, idx.expand(-1, -1, ob.shape[2]))
            return self.out(self.drop(torch.cat([h, of, ob], -1)))

    def batch(group):  # type: ignore[no-untyped-def]
        n, width = len(group), max(len(y) for _, y in group)
        x = np.zeros((n, width, len(mu)), np.float32)
        y = np.full((n, width), -100, np.int64)
        for i, (v, g) in enumerate(group):
            x[i, : len(g)] = (v - mu) / sd
            y[i, : len(g)] = g
        return torch.from_numpy(x), torch.from_numpy(y), torch.tensor([len(g) for _, g in group])

    def loss_of(model, group):  # type: ignore[no-untyped-def]
        x, y, lens = batch(group)
        return nn.functional.cross_entropy(model(x, lens).reshape(-1, len(LABELS)), y.reshape(-1), ignore_index=-100,
                                           reduction="sum"), int((y >= 0).sum())

    model = SeqHead()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    by_len = sorted(range(len(fit)), key=lambda i: len(fit[i][1]))
    chunks = [by_len[i:i + 8] for i in range(0, len(by_len), 8)]  # similar lengths: little padding
    best, stale, state = float("inf"), 0, None
    for epoch in range(HEAD_EPOCHS):
        model.train()
        for k in rng.permutation(len(chunks)):
            loss, n = loss_of(model, [fit[i] for i in chunks[k]])
            opt.zero_grad()
            (loss / n).backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
        model.eval()
        with torch.no_grad():
            parts = [loss_of(model, val[i:i + 8]) for i in range(0, len(val), 8)]
        vl = sum(float(a) for a, _ in parts) / sum(n for _, n in parts)
        print(f"head epoch {epoch}: validation loss {vl:.4f}", file=sys.stderr, flush=True)
        if vl < best - 1e-4:
            best, stale, state = vl, 0, {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if stale >= 3:
                break
    assert state is not None
    export_head({k: v.numpy() for k, v in state.items()}, mu, sd, out)


def export_head(t, mu, sd, out: Path) -> None:  # type: ignore[no-untyped-def]
    """Write the head's torch weights ``t`` (name -> numpy array) in context.Head's layout."""
    import numpy as np

    from newstrace.quotes.tagger import LABELS

    t = {k: v.astype(np.float32) for k, v in t.items()}
    lstm = {}
    for d in ("fwd", "bwd"):
        lstm[f"{d}_wih"] = t[f"{d}.weight_ih_l0"].T.copy()
        lstm[f"{d}_whh"] = t[f"{d}.weight_hh_l0"].T.copy()
        lstm[f"{d}_b"] = t[f"{d}.bias_ih_l0"] + t[f"{d}.bias_hh_l0"]
    np.savez_compressed(out, mu=mu.astype(np.float32), sd=sd.astype(np.float32),
                        proj_w=t["proj.weight"].T.copy(), proj_b=t["proj.bias"],
                        out_w=t["out.weight"].T.copy(), out_b=t["out.bias"],
                        alpha=np.float64(HEAD_ALPHA), labels=np.array(LABELS), **lstm)


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
