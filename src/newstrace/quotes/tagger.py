"""The attribution tagger: a linear-chain CRF over BIO labels for Source, Cue and Content tokens.

The weights (``attrib.crfsuite.xz``) ship with the package and are reproduced by ``tools/train_quotes.py``
(no options) from PolNeAR train. :func:`tag_spans` returns role spans in text offsets, with the pieces of a quote
split around "he said" joined into one Content span (PolNeAR marks those as one discontinuous span). Decoding
leans towards recall for Source and Cue: a token Viterbi leaves O becomes Source or Cue when that is its
likeliest role and its marginal P(O) is under :data:`O_THRESHOLD`.

An optional second, stacked pass (``attrib2.crfsuite.xz``, trained on out-of-fold first-pass labels with
``--passes 2``) runs when its weights are present. It is not shipped: on a 10% holdout of PolNeAR train
(every 10th document, whole pipeline) it lowered overlap F1 (Source 0.739 -> 0.732, Cue 0.744 -> 0.730,
Content 0.776 -> 0.763: more precise, less recall) and it halves the speed of the default mode.
"""

from __future__ import annotations

import lzma
import os
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import ConfigError
from .crf import IntMap, LinearCRF, numba_available
from .emit import COMPILED as EMIT_COMPILED, EMIT_CODES, emit, emit_arrays
from . import features as F
from ..scan import HashIds, TypeRows, code_points, hash_words, scan
from ..tokens import stem
from .features import _PAD, _type_ctx, _word_feats, featurize, stack, tokenize

__all__ = ["MODEL_PATH", "LABELS", "RoleSpan", "tag_spans", "decode", "labels_for"]

# xz-compressed crfsuite models (about a third of the raw size), opened in memory.
MODEL_PATH = Path(__file__).with_name("attrib.crfsuite.xz")
MODEL2_PATH = Path(__file__).with_name("attrib2.crfsuite.xz")  # the second, stacked pass
ROLE_CODE = {"Source": "S", "Cue": "C", "Content": "T"}
CODE_ROLE = {v: k for k, v in ROLE_CODE.items()}
LABELS = ("O",) + tuple(f"{p}-{c}" for c in "SCT" for p in "BI")

RoleSpan = tuple[str, int, int]  # (role, start, end)


_BUFFERS: dict[Path, bytes] = {}
_DIGESTS: dict[Path, str] = {}  # model file -> sha256 of its bytes as :func:`model_bytes` last read them


def _cache_dir() -> Path | None:
    """Where decompressed weights are kept between processes: ``$NEWSTRACE_CACHE``, else
    ``$XDG_CACHE_HOME/newstrace`` or ``~/.cache/newstrace``; None when it cannot be made."""
    env = os.environ.get("NEWSTRACE_CACHE")
    try:  # (no home directory at all, as on some cluster executors: no cache)
        base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newstrace"
        base.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError, KeyError):
        return None
    return base


CACHE_KEEP = 3  # copies of each kind kept in the cache directory (the newest; older models or code versions go)


def _cache_put(folder: Path, name: str, data: bytes, kind: str) -> None:
    """Write ``folder/name`` whole or not at all, then drop all but the :data:`CACHE_KEEP` newest ``kind`` files."""
    final = folder / name
    tmp = final.with_name(f"{name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, final)  # atomic, whatever other processes do meanwhile
        old = sorted(folder.glob(kind), key=lambda f: f.stat().st_mtime, reverse=True)[CACHE_KEEP:]
        for f in old:
            f.unlink(missing_ok=True)
    except OSError:
        tmp.unlink(missing_ok=True)


def model_bytes(path: Path) -> bytes:
    """The crfsuite model at ``path``, decompressed when it is xz. Decompressing the shipped 17 MB file takes
    ~1.5 s, paid by every process that tags (each worker of a corpus run, every CLI call), so the 56 MB it gives
    are kept in the cache directory under the compressed file's hash and, in the name, the xxh3 hash of the
    decompressed bytes, which is checked on every read (~0.05 s); a missing, foreign or damaged copy is
    decompressed again, and an unwritable cache is skipped."""
    import hashlib

    data = path.read_bytes()
    _DIGESTS[path] = hashlib.sha256(data).hexdigest()
    if path.suffix != ".xz":
        return data
    import xxhash

    key = _DIGESTS[path][:24]
    folder = _cache_dir()
    if folder is not None:
        for f in folder.glob(f"{path.stem}-{key}-*.crfsuite"):
            try:
                raw = f.read_bytes()
            except OSError:
                continue
            if xxhash.xxh3_64_hexdigest(raw) == f.stem.rsplit("-", 1)[-1]:
                return raw
    raw = lzma.decompress(data)
    if folder is not None:
        _cache_put(folder, f"{path.stem}-{key}-{xxhash.xxh3_64_hexdigest(raw)}.crfsuite", raw,
                   f"{path.stem}-*.crfsuite")
    return raw


@lru_cache(maxsize=2)
def _tagger(second: bool = False):  # type: ignore[no-untyped-def]
    import pycrfsuite

    path = MODEL2_PATH if second else MODEL_PATH
    if not path.exists():
        raise ConfigError(f"tagger weights missing at {path}; run tools/train_quotes.py")
    t = pycrfsuite.Tagger()
    if path.suffix == ".xz":
        _BUFFERS[path] = model_bytes(path)  # crfsuite reads this buffer; keep it alive
        t.open_inmemory(_BUFFERS[path])
    else:
        t.open(str(path))
    return t


@lru_cache(maxsize=1)
def _crf() -> LinearCRF:
    """The shipped model, read into numpy for :func:`emissions` (about a second, once per process)."""
    if not MODEL_PATH.exists():
        raise ConfigError(f"tagger weights missing at {MODEL_PATH}; run tools/train_quotes.py")
    return LinearCRF.from_crfsuite(model_bytes(MODEL_PATH))


class _TypeScores(TypeRows):
    """Everything the tagger needs of a word type, by row: the summed weights of its static features
    (:func:`.features.static_parts`) per slot (its own features, then its features as the neighbour at offsets
    -1, +1, -2, +2, -3, +3 of another token; row 0 is the pad beyond the text's ends), and the per-token codes
    :class:`.features.Place` is made of (lower-case form, cue class, mined cue level, mark/colon/pronoun bits).
    A document's words are mapped to rows once (by the 64-bit hash of their characters, one compiled probe each:
    two distinct types would share a row only if their hashes were equal, ~1e-9 among 300,000 types); its static
    scores are then seven gathers, and its place codes gathers too, instead of some fifteen feature strings and a
    cached :func:`.features._word_feats` call per token.

    The one cache of word types (session 8): before it, ``_word_feats`` kept only the latest 100,000 types, and
    generated articles of bench/scale.py hold ~215,000 distinct word forms by 30,000 articles, so a worker kept
    working the same types out again. MAX_TYPES rows hold ~120 MB."""

    SLOTS = 7
    MAX_TYPES = 300_000  # then the table starts again (never in the middle of a document)

    def __init__(self, crf: LinearCRF):
        self.crf = crf
        # the lower-case forms the model knows as a neighbour ("w-1=form" ... "w+3=form"): another word's
        # neighbour slots hold nothing but those attributes and, for a cue word, its class ("c-1=said"), so a word
        # that is neither gets the zero row (the model's row for unknown attributes) in all six, with no feature
        # string made. Most of a large corpus's new word types are such words (names, numbers, rare forms).
        self.ctx_words = frozenset(a[a.index("=") + 1 :] for a in crf.index if a[:2] in ("w-", "w+"))
        self._reset()

    def _reset(self) -> None:
        k = len(self.crf.labels)
        self.ids = HashIds()  # a word type's row, by the hash of its characters (:func:`newstrace.scan.scan`)
        self.table = np.zeros((4096, self.SLOTS, k))
        self.table[0, 1:] = self._sum(_PAD)
        self.lows: list[str] = [""]
        self.codes = np.zeros((len(EMIT_CODES), 4096), dtype=np.int64)  # by row: see emit.EMIT_CODES
        self.n = 1

    def _sum(self, attrs: tuple[str, ...]) -> np.ndarray:
        get, miss = self.crf.index.get, len(self.crf.index)
        return self.crf.state[[get(a, miss) for a in attrs]].sum(axis=0)

    def _add(self, words: list[str], hashes: np.ndarray) -> None:
        """Rows for new word types (``hashes``: theirs, :func:`newstrace.scan.hash_words`), in one gather: each
        type's seven attribute groups summed by reduceat."""
        need = self.n + len(words)
        if need > len(self.table):
            size = max(need, 2 * len(self.table))
            grown = np.zeros((size,) + self.table.shape[1:])
            grown[: self.n] = self.table[: self.n]
            self.table = grown
            codes = np.zeros((len(EMIT_CODES), size), dtype=np.int64)
            codes[:, : self.n] = self.codes[:, : self.n]
            self.codes = codes
        get, miss = self.crf.index.get, len(self.crf.index)
        ids: list[int] = []
        starts: list[int] = []
        cols: list[list[int]] = [[] for _ in EMIT_CODES]
        cls_l, lv_l, bits_l, wid_l, up_l, ofs_l, acc_l, to_l, nca_l, ncb_l = cols
        pw = _place_weights()
        known, nc, pmiss = pw.words.get, pw.nc.get, pw.miss  # word ids in the place tables (0: none has it)
        ctx, unknown6 = self.ctx_words, [miss] * 6
        for w in words:
            own, low, cls, lv = _word_feats(w)
            self.lows.append(low)
            cls_l.append(F.CLS_CODES[cls])
            lv_l.append(lv)
            bits_l.append(F._BITS.get(low, 0))
            wid_l.append(known(low, 0))
            up_l.append(w[0].isupper())  # (Place: ASCII capitals, else str.isupper: the same for one character)
            ofs_l.append(w in ("of", "’s", "'s"))
            acc_l.append(low == "according")
            to_l.append(low == "to")
            st = stem(low) if cls else ""  # the nearest-cue features of a cue word ('nc=' + side + stem)
            nca_l.append(nc(("a", st), pmiss) if st else pmiss)
            ncb_l.append(nc(("b", st), pmiss) if st else pmiss)
            starts.append(len(ids))
            ids.extend([get(a, miss) for a in own])
            if cls is not None or low in ctx:
                for feats in _type_ctx(low, cls):
                    starts.append(len(ids))
                    ids.extend([get(a, miss) for a in feats])
            else:  # six neighbour slots of unknown attributes: the zero row each (as their lookups would give)
                k = len(ids)
                starts.extend(range(k, k + 6))
                ids.extend(unknown6)
        # every group is non-empty (a word's own features and each neighbour feature hold its "w...=" form)
        sums = np.add.reduceat(self.crf.state[ids], starts, axis=0)
        self.table[self.n : need] = sums.reshape(len(words), self.SLOTS, -1)
        self.codes[:, self.n : need] = cols
        self.ids.put(hashes, np.arange(self.n, need))
        self.n = need

    def words(self, words: list[str]) -> np.ndarray:
        """The rows of a document's words (new types added first)."""
        return self.rows(hash_words(words), words.__getitem__)

    def static(self, rows: np.ndarray) -> np.ndarray:
        """(tokens, labels) static scores of a document's word rows."""
        n = len(rows)
        tp = np.zeros(n + 6, dtype=np.int64)
        tp[3 : 3 + n] = rows
        t = self.table
        return (t[tp[3 : 3 + n], 0] + t[tp[2 : 2 + n], 1] + t[tp[4 : 4 + n], 2] + t[tp[1 : 1 + n], 3]
                + t[tp[5 : 5 + n], 4] + t[tp[0:n], 5] + t[tp[6 : 6 + n], 6])

    def place(self, text: str, toks: list[tuple[int, int]], rows: np.ndarray) -> "F.Place":
        """The :class:`.features.Place` of a document from its word rows, with ``wid`` (the words' ids in the
        place-feature tables) set."""
        c = self.codes[:, rows]
        p = F.Place(text, toks, codes=(list(map(self.lows.__getitem__, rows.tolist())), c[0], c[1], c[2]))
        p.wid = c[3]
        return p


@lru_cache(maxsize=1)
def _type_scores() -> _TypeScores:
    return _TypeScores(_crf())


class _PlaceWeights:
    """The model's weight rows of the place-dependent features (:class:`.features.Place`), indexed by code: small
    columns by a table over their keys, word-bearing ones (``b-=x|y``, ``b+=x|y``, ``wrc=x|place``, ``nc=`` with
    the nearest cue's stem) through integer ids of the words the model knows. A document's place features are
    then a few gathers and hash probes, with no feature string built (a word the model never saw in those
    attributes gets no id: no feature of it can exist). Built from the attribute names (~1.2 s), then cached
    (:func:`_place_weights`).

    Replaces per-column caches of string keys (session 3): on generated news (bench/scale.py's articles) those
    cost 4.9 ms of a 9.9 ms article stage (building the key columns, pruning unknown words, looking keys up); the
    codes cost ~1.8 ms, with the same emissions (tests/quotes/test_crf.py and test_features.py compare them with
    the sum over :func:`.features.featurize`). PolNeAR dev, one core, same hour, first sight: 44.7-52.0 -> 83.1-91.3
    articles per CPU-second (bench/polnear.py --speed-only), scores unchanged to the last digit."""

    def __init__(self, crf: LinearCRF):
        index, self.miss = crf.index, len(crf.index)
        self.state = crf.state

        def table(prefix: str, keys) -> np.ndarray:  # type: ignore[no-untyped-def]
            return np.array([self.miss if k is None else index.get(prefix + k, self.miss) for k in keys],
                            dtype=np.int64)

        rel = F.REL_KEYS
        self.mrc, self.qm, self.rc = table("mrc=", rel), table("qm=", rel), table("rc=", rel)
        self.mq = table("mq=", [a + b for a in F.SIDE for b in F.SIDE])  # side(m) * 4 + side(q)
        self.sent = table("", F.SENT_KEYS)
        self.mc_m1, self.mc_p1, self.mc_p2 = table("", F.MC_M1), table("", F.MC_P1), table("", F.MC_P2)
        self.who = table("", F.WHO_MC)
        self.q = table("", F._Q)
        self.qrc = table("qrc=", [str(d) + s for d in range(3) for s in F.SIDE])  # depth * 4 + side
        self.pos = table("", F.POS_KEYS)
        self.run = table("caprun=", F.RUN_KEYS)
        self.flags = [table("", (None, k)) for k in ("bos", "eos", "par", "colon")]
        # words: every part of a word-bearing attribute at each "|" (a word may itself hold a "|")
        words: dict[str, int] = {}
        splits: dict[str, list[tuple[str, str, int]]] = {"b-=": [], "b+=": [], "wrc=": []}  # (left, right, row)
        nc: dict[tuple[str, str], int] = {}
        for a, row in index.items():
            head = a[:3]
            if head == "b-=" or head == "b+=":
                rest = a[3:]
                if rest.count("|") == 1:
                    x, _, y = rest.partition("|")
                    splits[head].append((x, y, row))
                else:
                    splits[head].extend((rest[:i], rest[i + 1:], row) for i, ch in enumerate(rest) if ch == "|")
            elif head == "wrc" and a[3] == "=":
                x, _, y = a[4:].rpartition("|")  # the place code never holds a "|"
                if y in F._REL_CODE:
                    splits["wrc="].append((x, y, row))
            elif head == "nc=" and len(a) > 4:
                nc[(a[3], a[4:])] = row
        for prefix in ("b-=", "b+="):
            for x, y, _ in splits[prefix]:
                words.setdefault(x, len(words) + 1)
                words.setdefault(y, len(words) + 1)
        for x, _, _ in splits["wrc="]:
            words.setdefault(x, len(words) + 1)
        self.words = words
        self.m = m = len(words) + 1
        nrel = len(rel)
        self.pair_rows = {}
        for prefix in ("b-=", "b+="):
            sp = splits[prefix]
            self.pair_rows[prefix] = IntMap(np.array([words[x] * m + words[y] for x, y, _ in sp], dtype=np.int64),
                                            np.array([r for _, _, r in sp], dtype=np.int64), self.miss)
        self.wrc = np.full(m * nrel, self.miss, dtype=np.int64)  # dense: 25k known words x 22 places
        for x, y, r in splits["wrc="]:
            self.wrc[words[x] * nrel + F._REL_CODE[y]] = r
        self.nc = nc
        self.bos_id, self.eos_id = words.get("<s>", 0), words.get("</s>", 0)

    def rows(self, p: "F.Place") -> np.ndarray:
        """(columns, tokens) weight rows of a document's place features."""
        n = p.n
        wid = p.wid if p.wid is not None else np.fromiter(map(self.words.get, p.lows, repeat(0)), dtype=np.int64,
                                                          count=n)
        prev = np.empty(n, dtype=np.int64)
        prev[0], prev[1:] = self.bos_id, wid[:-1]
        nxt = np.empty(n, dtype=np.int64)
        nxt[-1], nxt[:-1] = self.eos_id, wid[1:]
        m = self.m
        b_minus = self.pair_rows["b-="].get(np.where((prev > 0) & (wid > 0), prev * m + wid, -1))
        b_plus = self.pair_rows["b+="].get(np.where((wid > 0) & (nxt > 0), wid * m + nxt, -1))
        wrc = np.where(wid > 0, self.wrc[wid * len(F.REL_KEYS) + p.rel], self.miss)
        side = F.REL_SIDE[p.rel]
        ncr = np.full(n, self.miss, dtype=np.int64)
        has = p.near >= 0
        if has.any():  # the nearest cue's stem, once per cue word: rows for 'a' (after it) and 'b' (before it)
            cues, which = np.unique(p.near[has], return_inverse=True)
            by_side = np.full((len(cues), 2), self.miss, dtype=np.int64)
            for k, j in enumerate(cues.tolist()):
                st = stem(p.lows[j])
                if st:
                    by_side[k] = self.nc.get(("a", st), self.miss), self.nc.get(("b", st), self.miss)
            ncr[has] = by_side[which, side[has] - 2]  # side codes: 2 'a', 3 'b' (F.SIDE)
        lv = p.lv
        prev_lv = np.empty(n, dtype=np.int64)
        prev_lv[0], prev_lv[1:] = 0, lv[: n - 1]
        return np.stack([
            b_minus, b_plus, ncr, self.mrc[p.mrel], self.qm[p.qrel],
            self.mq[F.REL_SIDE[p.mrel] * 4 + F.REL_SIDE[p.qrel]], self.sent[p.sent],
            self.mc_m1[prev_lv], self.mc_p1[lv[1 : n + 1]], self.who[np.where(p.who, lv[1 : n + 1], 0)],
            self.mc_p2[lv[2 : n + 2]], self.q[p.depth], self.rc[p.rel], self.qrc[p.depth * 4 + side], wrc,
            self.pos[p.pos], self.run[p.runs], self.flags[0][p.first.astype(np.int64)],
            self.flags[1][p.last.astype(np.int64)], self.flags[2][p.par.astype(np.int64)],
            self.flags[3][p.colon.astype(np.int64)],
        ])


    _TABLES = ("mrc", "qm", "rc", "mq", "sent", "mc_m1", "mc_p1", "mc_p2", "who", "q", "qrc", "pos", "run", "wrc")

    def to_npz(self) -> bytes:
        """Everything but the model's weights, as an ``.npz`` archive (no pickle) for :meth:`from_npz`."""
        import io
        import json

        arrays = {name: getattr(self, name) for name in self._TABLES}
        arrays.update({f"flag{i}": f for i, f in enumerate(self.flags)})
        for prefix, m in self.pair_rows.items():
            arrays[prefix + "table"], arrays[prefix + "vals"] = m.table, m.vals
        meta = {"miss": self.miss, "m": self.m, "ids": [self.bos_id, self.eos_id], "words": list(self.words),
                "nc": [[a, b, r] for (a, b), r in self.nc.items()]}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
        out = io.BytesIO()
        np.savez(out, **arrays)
        return out.getvalue()

    @classmethod
    def from_npz(cls, crf: LinearCRF, blob: bytes) -> "_PlaceWeights":
        """The tables :meth:`to_npz` saved, over ``crf``'s weights (ValueError when they are not for it)."""
        import io
        import json

        z = np.load(io.BytesIO(blob), allow_pickle=False)
        meta = json.loads(bytes(z["meta"]).decode())
        if meta["miss"] != len(crf.index) or len(meta["words"]) + 1 != meta["m"]:
            raise ValueError("place-feature tables of another model")
        pw = cls.__new__(cls)
        pw.miss, pw.state, pw.m = meta["miss"], crf.state, meta["m"]
        for name in cls._TABLES:
            setattr(pw, name, z[name])
        pw.flags = [z[f"flag{i}"] for i in range(4)]
        pw.pair_rows = {p: IntMap.from_arrays(z[p + "table"], z[p + "vals"], pw.miss) for p in ("b-=", "b+=")}
        pw.words = dict(zip(meta["words"], range(1, meta["m"])))
        pw.nc = {(a, b): r for a, b, r in meta["nc"]}
        pw.bos_id, pw.eos_id = meta["ids"]
        return pw


@lru_cache(maxsize=1)
def _place_weights() -> _PlaceWeights:
    """The tables of the shipped model, from the cache directory when they were built before: building them
    reads all 628,705 attribute names (~1.2 s per process), loading them ~0.05 s. The cache key covers the model
    file and the code that defines the feature codes (this module and :mod:`.features`), so any change to
    either builds them again; a copy that does not load is built again too."""
    import hashlib

    crf = _crf()
    folder = _cache_dir()
    if folder is None or not MODEL_PATH.exists():
        return _PlaceWeights(crf)
    h = hashlib.sha256((_DIGESTS.get(MODEL_PATH) or hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()).encode())
    h.update(Path(F.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    path = folder / f"place-{h.hexdigest()[:24]}.npz"
    try:
        return _PlaceWeights.from_npz(crf, path.read_bytes())
    except Exception:  # noqa: BLE001 (missing, damaged or foreign: build again)
        pass
    pw = _PlaceWeights(crf)
    _cache_put(folder, path.name, pw.to_npz(), "place-*.npz")
    return pw


def emissions(text: str, toks: list[tuple[int, int]]) -> np.ndarray:
    """(tokens, labels) CRF state scores of a document: equal to summing the weights of :func:`featurize`'s
    features token by token (tests/quotes/test_crf.py checks it), computed as word-type rows plus the
    place-dependent features' rows."""
    ts = _type_scores()
    rows = ts.words([text[s:e] for s, e in toks])
    if not toks:
        return ts.static(rows)
    pw = _place_weights()
    if EMIT_COMPILED:
        return emit(text, toks, rows, ts, pw)
    return _emissions_numpy(text, toks, rows, ts, pw)


def _scanned_emissions(text: str, cp: np.ndarray, starts: np.ndarray, ends: np.ndarray, hashes: np.ndarray
                       ) -> np.ndarray:
    """:func:`emissions` of the tokens :func:`newstrace.scan.scan` found in ``text`` (``cp`` its code points),
    through the compiled pass: no string is made but of the word types the tagger has not met."""
    ts = _type_scores()
    rows = ts.rows(hashes, lambda i: text[starts[i]:ends[i]])
    return emit_arrays(text, cp, starts, ends, rows, ts, _place_weights())


def _emissions_numpy(text: str, toks: list[tuple[int, int]], rows: np.ndarray, ts: _TypeScores,
                     pw: _PlaceWeights) -> np.ndarray:
    """:func:`emissions` in numpy: :class:`.features.Place` and :meth:`_PlaceWeights.rows` (without numba, and
    the reference the compiled pass of :mod:`.emit` is tested against)."""
    return ts.static(rows) + pw.state[pw.rows(ts.place(text, toks, rows))].sum(axis=0)


def labels_for(toks: list[tuple[int, int]], spans: list[RoleSpan]) -> list[str]:
    """Gold BIO labels of tokens, given role spans (each fragment its own span)."""
    labels = ["O"] * len(toks)
    starts = [s for s, _ in toks]
    import bisect

    for role, a, b in sorted(spans, key=lambda x: x[1]):
        i = bisect.bisect_left(starts, a)
        first = True
        while i < len(toks) and toks[i][1] <= b:
            if labels[i] == "O":
                labels[i] = ("B-" if first else "I-") + ROLE_CODE[role]
                first = False
            i += 1
    return labels


def decode(toks: list[tuple[int, int]], labels: list[str]) -> list[RoleSpan]:
    """Role spans from BIO labels (an I without a B starts a span)."""
    out: list[RoleSpan] = []
    cur: list = []
    for (s, e), lab in zip(toks, labels):
        if lab == "O":
            cur = []
            continue
        code = lab[2]
        if lab[0] == "B" or not cur or cur[0] != code:
            cur = [code, s, e]
            out.append(cur)  # type: ignore[arg-type]
        else:
            cur[2] = e
    return [(CODE_ROLE[c], s, e) for c, s, e in out]


def _join_split_quotes(text: str, spans: list[RoleSpan]) -> list[RoleSpan]:
    """Join Content, [Source/Cue and punctuation], Content into one Content: '"A," he said, "B."'."""
    out: list[RoleSpan] = []
    i = 0
    while i < len(spans):
        role, s, e = spans[i]
        if role == "Content":
            j = i + 1
            while j < len(spans) and spans[j][0] != "Content" and j - i <= 2:
                j += 1
            if (j < len(spans) and spans[j][0] == "Content" and j - i in (2, 3)
                    and any(r == "Cue" for r, _, _ in spans[i + 1 : j])
                    and _only_punct(text, spans, i, j)
                    and not (j + 1 < len(spans) and spans[j + 1][0] == "Cue"
                             and text[spans[j][2] : spans[j + 1][1]].strip(" ,") == "")):
                out.append(("Content", s, spans[j][2]))
                out.extend(spans[i + 1 : j])
                i = j + 1
                continue
        out.append((role, s, e))
        i += 1
    return out


def _only_punct(text: str, spans: list[RoleSpan], i: int, j: int) -> bool:
    """Whether the text between spans i..j outside the spans is only spaces and punctuation."""
    pos = spans[i][2]
    for k in range(i + 1, j + 1):
        gap = text[pos : spans[k][1]]
        if any(ch.isalnum() for ch in gap) or "\n" in gap:
            return False
        pos = spans[k][2]
    return True


# Recall bias: a token the Viterbi path leaves O takes its likeliest role when its marginal probability of O
# is below this. The CRF alone is precise (~0.85) but misses a third of the spans. On a 10% holdout of
# PolNeAR train (every 10th document; whole pipeline) 0.6 to 0.7 gave overlap F1 +0.7 to +1.1 points for
# Source and Cue and +0.5 for Content over 0.5 (no bias), exact F1 within -0.4; 0.65 is the middle.
O_THRESHOLD = 0.65
BIASED_ROLES = "SC"  # Content is left as Viterbi has it (biasing it fragments contents and costs exact F1)


def _biased(marg: np.ndarray, labels: list[str], threshold: float) -> list[str]:
    """Viterbi labels with O replaced where P(O) < threshold by the likeliest other label (the first in
    :data:`LABELS` order on a tie); ``marg`` holds the marginals, one column per label in :data:`LABELS` order."""
    out = list(labels)
    low = np.flatnonzero(marg[:, 0] < threshold) if len(marg) else np.zeros(0, dtype=np.int64)
    if not len(low):
        return out
    best_of = (marg[low, 1:].argmax(axis=1) + 1).tolist()
    for i, b in zip(low.tolist(), best_of):
        if labels[i] != "O":
            continue
        best = LABELS[b]
        if best[2] not in BIASED_ROLES:
            continue
        if best[0] == "I" and (i == 0 or out[i - 1][2:] != best[2:]):
            best = "B" + best[1:]
        out[i] = best
    return out


_ROLE_NAMES = ("Source", "Cue", "Content")  # by role code (the order of "SCT")


@lru_cache(maxsize=4)
def _label_codes(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of a model's labels, by index: the role code (0 Source, 1 Cue, 2 Content, -1 for O; -2 - code for a role
    the bias leaves alone, not in :data:`BIASED_ROLES`) and whether it opens a span (B-); and the model's index of
    each of :data:`LABELS`."""
    roles = np.array([-1 if y == "O" else "SCT".index(y[2]) for y in labels], np.int64)
    roles = np.where((roles >= 0) & ~np.isin(np.array([y[-1] for y in labels]), list(BIASED_ROLES)), -2 - roles, roles)
    begins = np.array([y[0] == "B" for y in labels], np.bool_)
    return roles, begins, np.array([labels.index(y) for y in LABELS], np.int64)


def _decode_codes_py(path: np.ndarray, marg: np.ndarray, th: float, roles: np.ndarray, begins: np.ndarray,
                     order: np.ndarray, starts: np.ndarray, ends: np.ndarray, out: np.ndarray) -> int:
    """:func:`_biased` (when ``marg`` has rows) then :func:`decode`, on label indices: role spans (role code, start,
    end) into ``out``; returns how many. ``order``: the model's index of each of :data:`LABELS` (the tie order of
    the bias). The same spans as those two on label strings (tests/quotes/test_crf.py)."""
    n = len(path)
    role = np.empty(n, np.int64)
    begin = np.empty(n, np.bool_)
    for i in range(n):
        r = roles[path[i]]
        role[i] = r if r >= -1 else -2 - r
        begin[i] = begins[path[i]]
    if len(marg):
        for i in range(n):
            if role[i] >= 0 or marg[i, order[0]] >= th:
                continue
            best = 1
            for j in range(2, len(order)):
                if marg[i, order[j]] > marg[i, order[best]]:
                    best = j
            r = roles[order[best]]
            if r < 0:  # a role the bias leaves as Viterbi has it
                continue
            role[i] = r
            begin[i] = begins[order[best]] or i == 0 or role[i - 1] != r
    k = 0
    cur = -1
    for i in range(n):
        r = role[i]
        if r < 0:
            cur = -1
            continue
        if begin[i] or cur != r:
            out[k, 0] = r
            out[k, 1] = starts[i]
            out[k, 2] = ends[i]
            k += 1
            cur = r
        else:
            out[k - 1, 2] = ends[i]
    return k


try:  # compiled when numba is present (a dependency; cached on disk after the first run)
    from numba import njit

    _decode_codes = njit(cache=True, nogil=True)(_decode_codes_py)
except ImportError:  # pragma: no cover - numba is a declared dependency
    _decode_codes = _decode_codes_py


def head_scores(text: str, toks: list[tuple[int, int]], labels: list[str]) -> np.ndarray:
    """The accurate mode's addition to the CRF's state scores: ``alpha`` times the contextual head's
    log-probabilities (:mod:`newstrace.quotes.context`), columns in ``labels`` order."""
    from . import context

    hd = context.head()
    lp = hd.log_probs(context.encoder().word_vectors(text, toks))
    return hd.alpha * lp[:, [hd.labels.index(y) for y in labels]]


@lru_cache(maxsize=1)
def _second_pass() -> bool:
    """Whether the stacked second pass's weights are there (looked at once a process, not once an article)."""
    return MODEL2_PATH.exists()


def tag_spans(text: str, *, passes: int = 2, o_threshold: float | None = None,
              accurate: bool = False) -> list[RoleSpan]:
    """Source, Cue and Content spans in ``text``, in order (``passes=1`` skips the stacked second pass).

    ``accurate`` adds the contextual head's scores to the CRF's (:func:`head_scores`): better on every role,
    about one article per CPU-second instead of ~100 (see README)."""
    th = O_THRESHOLD if o_threshold is None else o_threshold
    stacked = passes > 1 and _second_pass() and not accurate
    if accurate or (numba_available() and not stacked):
        cp = code_points(text)
        starts, ends, hashes = scan(cp)
        if not len(starts):
            return []
        crf = _crf()
        if EMIT_COMPILED:
            em = _scanned_emissions(text, cp, starts, ends, hashes)
        else:  # the numpy path, on token tuples
            em = emissions(text, list(zip(starts.tolist(), ends.tolist())))
        if accurate:
            em = em + head_scores(text, list(zip(starts.tolist(), ends.tolist())), crf.labels)
        marg = crf.marginals(em) if th > 0.5 else em[:0]
        roles, begins, order = _label_codes(crf.labels)
        out = np.empty((len(em), 3), np.int64)
        k = _decode_codes(crf.viterbi(em), marg, th, roles, begins, order, starts, ends, out)
        return _join_split_quotes(text, [(_ROLE_NAMES[r], a, b) for r, a, b in out[:k].tolist()])
    toks = tokenize(text)
    if not toks:
        return []
    feats = featurize(text, toks)
    t = _tagger()
    labels = t.tag(feats)
    if th > 0.5:
        labels = _biased(np.array([[t.marginal(y, i) for y in LABELS] for i in range(len(toks))]), labels, th)
    if stacked:
        labels = _tagger(True).tag(stack(feats, text, toks, labels))
    return _join_split_quotes(text, decode(toks, labels))
