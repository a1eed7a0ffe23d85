"""The accurate mode's recurrent head, run in numpy (context.Head), on small random weights."""

from __future__ import annotations

import numpy as np
import pytest

from newstrace.quotes import context
from newstrace.quotes.tagger import LABELS

D, P, H = 12, 6, 5  # input, projection and LSTM widths of the toy head


def _toy_head(tmp_path, seed: int = 0) -> tuple[context.Head, dict]:
    rng = np.random.default_rng(seed)
    w = {"mu": rng.normal(size=D), "sd": rng.uniform(0.5, 2, size=D),
         "proj_w": rng.normal(size=(D, P)), "proj_b": rng.normal(size=P),
         "out_w": rng.normal(size=(P + 2 * H, len(LABELS))), "out_b": rng.normal(size=len(LABELS))}
    for d in ("fwd", "bwd"):
        w[f"{d}_wih"] = rng.normal(size=(P, 4 * H))
        w[f"{d}_whh"] = rng.normal(size=(H, 4 * H))
        w[f"{d}_b"] = rng.normal(size=4 * H)
    w = {k: v.astype(np.float32) for k, v in w.items()}
    np.savez(tmp_path / "head.npz", alpha=np.float64(1.0), labels=np.array(LABELS), **w)
    return context.Head(tmp_path / "head.npz"), w


def _reference(w: dict, x: np.ndarray) -> np.ndarray:
    """The same network written out step by step, torch's LSTM equations verbatim."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    p = np.maximum(((x - w["mu"]) / w["sd"]) @ w["proj_w"] + w["proj_b"], 0)
    outs = [p]
    for d, order in (("fwd", range(len(x))), ("bwd", range(len(x) - 1, -1, -1))):
        h, c, out = np.zeros(H), np.zeros(H), np.zeros((len(x), H))
        for t in order:
            z = p[t] @ w[f"{d}_wih"] + h @ w[f"{d}_whh"] + w[f"{d}_b"]
            i, f, g, o = sig(z[:H]), sig(z[H:2 * H]), np.tanh(z[2 * H:3 * H]), sig(z[3 * H:])
            c = f * c + i * g
            h = o * np.tanh(c)
            out[t] = h
        outs.append(out)
    s = np.concatenate(outs, axis=1) @ w["out_w"] + w["out_b"]
    s = s - s.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


def test_head_matches_the_lstm_equations(tmp_path):
    head, w = _toy_head(tmp_path)
    x = np.random.default_rng(1).normal(size=(9, D)).astype(np.float32)
    lp = head.log_probs(x)
    assert lp.shape == (9, len(LABELS))
    assert np.allclose(lp, np.maximum(_reference(w, x), context.LOG_FLOOR), atol=1e-4)
    assert np.allclose(np.exp(lp).sum(axis=1), 1, atol=1e-3)


def test_each_word_sees_both_ends_of_the_text(tmp_path):
    head, _ = _toy_head(tmp_path)
    x = np.random.default_rng(2).normal(size=(7, D)).astype(np.float32)
    base = head.log_probs(x)
    last = x.copy()
    last[-1] += 3
    first = x.copy()
    first[0] += 3
    assert not np.allclose(head.log_probs(last)[0], base[0])  # the backward LSTM carries the last word to the first
    assert not np.allclose(head.log_probs(first)[-1], base[-1])  # and the forward one the first to the last


def test_empty_and_one_word_inputs(tmp_path):
    head, w = _toy_head(tmp_path)
    assert head.log_probs(np.zeros((0, D), np.float32)).shape == (0, len(LABELS))
    one = np.ones((1, D), np.float32)
    assert np.allclose(head.log_probs(one), np.maximum(_reference(w, one), context.LOG_FLOOR), atol=1e-4)


def test_missing_weights_are_a_clear_error(tmp_path):
    from newstrace.errors import ConfigError

    with pytest.raises(ConfigError, match="train_quotes.py --head"):
        context.Head(tmp_path / "nothing.npz")


def test_shipped_head_has_the_tagger_labels():
    head = context.Head()
    assert set(head.labels) == set(LABELS) and head.alpha > 0
    assert head.mu.shape == head.sd.shape == (head.wp.shape[0],)
