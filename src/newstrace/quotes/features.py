"""Tokens and token features for the attribution tagger.

Tokens are words (the shared :data:`newstrace.tokens.WORD_RE`) and single punctuation marks, each a
``(start, end)`` span into the text. Features are strings for a CRF: the word and its neighbours, shape, cue
lexicon class, the mined cue level of the word and its neighbours (:mod:`.lexicon`), quote depth, and the
token's place relative to the nearest cue word (hand-made or strongly mined), the nearest quote mark and its
sentence, whose own summary (highest mined cue level, quote mark, colon) every token sees.
Word-level features are cached per word type, so a document costs a few list concatenations per token.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain, repeat

import numpy as np

from ..tokens import STOPWORDS, WORD_RE, sentences, stem
from .cues import PRONOUNS, SPEAKER_ROLES, cue_class
from .lexicon import level
from .marks import depth_array

__all__ = ["TOKEN_RE", "clear_caches", "dynamic_columns", "dynamic_features", "featurize", "sentence_spans", "stack", "static_parts",
           "tokenize"]

TOKEN_RE = re.compile(WORD_RE.pattern + r"|[^\w\s]", re.UNICODE)
_MARKS = set("\"'“”‘’«»„")
# Distance buckets (in tokens) to the nearest cue word; chosen by eye from PolNeAR train, where sources sit
# within a few tokens of their cue and contents start right after it.
_BUCKETS = (0, 1, 2, 3, 4, 6, 9, 14, 20)


@lru_cache(maxsize=4)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`newstrace.tokens.sentences`, cached for the few texts in flight (features and linking share it)."""
    return tuple(sentences(text))


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token spans of ``text``: words and single punctuation marks."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


# ASCII capitals -> X, ASCII small letters -> x, ASCII digits -> d; other digits (any script, as regex \d) go
# through _DIGITS
_SHAPE = str.maketrans({**{chr(c): "X" for c in range(65, 91)}, **{chr(c): "x" for c in range(97, 123)},
                        **{chr(c): "d" for c in range(48, 58)}})
_DIGITS = re.compile(r"\d")
_RUNS = re.compile(r"(.)\1+")
# Shapes by translated form (a few tens of thousands of forms: "Xxxxx", "dd.d", ...). The run-cutting ``sub``
# costs ~15 us a word on Python 3.11 (a Python-level template expansion per run), and the tagger works out the
# features of every new word type of a corpus (~7 an article of bench/scale.py's, late in a run): a third of that.
_SHAPES: dict[str, str] = {}
_SHAPES_MAX = 200_000


def _shape(w: str) -> str:
    """The word's shape: capitals X, small letters x, digits d, runs of one character cut to two, six at most
    ("McCain" -> "XxXxx", "2024" -> "dd")."""
    s = w.translate(_SHAPE)
    if not s.isascii():
        s = _DIGITS.sub("d", s)
    got = _SHAPES.get(s)
    if got is None:
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        got = _SHAPES[s] = _RUNS.sub(r"\1\1", s)[:6]
    return got


# A word whose mined cue level (:func:`.lexicon.level`) reaches this counts as a cue for the sentence-level
# features (distance to the nearest cue, names and pronouns before a cue): level 3 is a cue rate of 0.2 or more.
STRONG = 3


def clear_caches() -> None:
    """Forget cached word features (after the mined lexicon changes)."""
    _word_feats.cache_clear()


@lru_cache(maxsize=100_000)
def _word_feats(w: str) -> tuple[tuple[str, ...], str, str | None, int]:
    """(own features, lower-case form, cue class, mined cue level) of a word type."""
    low = w.lower()
    cls = cue_class(w) if w[0].isalpha() else None
    lv = level(low) if w[0].isalpha() else 0
    f = ["w=" + low, "st=" + stem(low), "s3=" + low[-3:], "sh=" + _shape(w)]
    if cls:
        f.append("cue=" + cls)
    if lv:
        f.append("mc=%d" % lv)
    if low in PRONOUNS:
        f.append("pro")
    if low in SPEAKER_ROLES:
        f.append("role")
    if low in STOPWORDS:
        f.append("sw")
    if w in _MARKS:
        f.append("mark")
    return tuple(f), low, cls, lv


@lru_cache(maxsize=400_000)
def _ctx(k: int, low: str, cls: str | None) -> tuple[str, ...]:
    tag = f"{k:+d}"
    return ("w" + tag + "=" + low,) if cls is None else ("w" + tag + "=" + low, "c" + tag + "=" + cls)


_BUCKET_OF = [next((b for b in _BUCKETS if d <= b), 99) for d in range(_BUCKETS[-1] + 1)]


_NB = len(_BUCKET_OF)
_AFTER = ["a%d" % b for b in _BUCKET_OF]
_BEFORE = ["b%d" % b for b in _BUCKET_OF]


def _bucket(d: int) -> int:
    return _BUCKET_OF[d] if d < len(_BUCKET_OF) else 99


def _sentence_ids(text: str, toks: list[tuple[int, int]]) -> list[int]:
    """Per token, the index of the sentence (:func:`sentence_spans`) it starts in (0 before the first)."""
    sents = sentence_spans(text)
    if not sents or not toks:
        return [0] * len(toks)
    starts = np.fromiter((s for s, _ in sents), dtype=np.int64, count=len(sents))
    at = np.fromiter((s for s, _ in toks), dtype=np.int64, count=len(toks))
    return np.maximum(np.searchsorted(starts, at, side="right") - 1, 0).tolist()


# A token's place relative to the nearest cue (or quote mark) of its sentence, as a code into REL_KEYS: "n" (no
# cue in the sentence), "c" (is one), then "a<bucket>" (that many tokens after it) and "b<bucket>" (before it).
REL_KEYS: tuple[str, ...] = ("n", "c") + tuple(dict.fromkeys(_AFTER + ["a99"])) + tuple(dict.fromkeys(_BEFORE + ["b99"]))
_REL_CODE = {k: i for i, k in enumerate(REL_KEYS)}
_AFTER_CODE = np.array([_REL_CODE[k] for k in _AFTER + ["a99"]], dtype=np.int64)  # by min(distance, _NB)
_BEFORE_CODE = np.array([_REL_CODE[k] for k in _BEFORE + ["b99"]], dtype=np.int64)
REL_SIDE = np.array(["ncab".index(k[0]) for k in REL_KEYS], dtype=np.int64)  # a code's first letter, 0..3
_REL_ARR = np.array(REL_KEYS, dtype=object)


def _cue_codes(s: np.ndarray, cue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per token (``s``: sentence ids, ``cue``: which tokens are cues), its place relative to the nearest cue
    of its sentence as a :data:`REL_KEYS` code (the nearer side wins, 'after' on a tie), and that cue's token
    index (-1 when none or when the token is a cue itself). Running maxima and minima of cue positions, cut at
    sentence borders."""
    n = len(s)
    idx = np.arange(n)
    first = np.ones(n, dtype=bool)
    first[1:] = s[1:] != s[:-1]
    start = np.maximum.accumulate(np.where(first, idx, 0))
    last = np.ones(n, dtype=bool)
    last[:-1] = first[1:]
    end = np.minimum.accumulate(np.where(last, idx, n)[::-1])[::-1]
    prev = np.maximum.accumulate(np.where(cue, idx, -1))
    prev = np.where(prev >= start, prev, -1)
    nxt = np.minimum.accumulate(np.where(cue, idx, n)[::-1])[::-1]
    nxt = np.where(nxt <= end, nxt, n)
    has_p, has_q = prev >= 0, nxt < n
    use_p = has_p & (~has_q | (idx - prev <= nxt - idx)) & ~cue
    use_q = (has_q & ~has_p | (has_q & has_p & (idx - prev > nxt - idx))) & ~cue
    out = np.zeros(n, dtype=np.int64)
    out[use_p] = _AFTER_CODE[np.minimum(idx[use_p] - prev[use_p], _NB)]
    out[use_q] = _BEFORE_CODE[np.minimum(nxt[use_q] - idx[use_q], _NB)]
    out[cue] = 1
    return out, np.where(use_p, prev, np.where(use_q, nxt, -1))


def _cue_distances(sid: list[int], cls: list[str | None], lows: list[str]) -> tuple[list[str], list[str]]:
    """:func:`_cue_codes` as strings ('b3', 'a1', 'c', 'n'), with the stem of the nearest cue word ('' when
    none)."""
    if not sid:
        return [], []
    code, near = _cue_codes(np.asarray(sid), np.fromiter(map(bool, cls), dtype=bool, count=len(sid)))
    stems = {k: stem(lows[k]) for k in set(near.tolist()) if k >= 0}
    return _REL_ARR[code].tolist(), [stems[k] if k >= 0 else "" for k in near.tolist()]


RUN_KEYS = ("", "in", "cue", "acc")  # :func:`_cap_runs` codes


CLS_CODES: dict[str | None, int] = {None: 0, "speech": 1, "thought": 2, "acc": 3}  # cue classes as small codes


def _cap_runs(text: str, toks: list[tuple[int, int]], cls: np.ndarray, upper: np.ndarray, lv: np.ndarray
              ) -> np.ndarray:
    """Per token, a :data:`RUN_KEYS` code: '' outside a run of capitalised words (``upper``: which tokens start
    with a capital letter), else 'in', or 'cue' when the run ends right before a cue word ("Esmail Qaani said":
    a speech or thought cue, or a word of mined cue level :data:`STRONG`) or 'acc' right after "according to".
    ``cls``: the tokens' cue classes as :data:`CLS_CODES`; ``lv``: their mined cue levels."""
    n = len(toks)
    out = np.zeros(n, dtype=np.int64)
    up, cls, lv = upper.tolist(), cls.tolist(), lv.tolist()  # (list items read faster than array items)
    for i in np.flatnonzero(upper).tolist():
        if out[i]:
            continue  # inside a run already tagged
        j = i
        while j + 1 < n and (up[j + 1] or text[toks[j + 1][0] : toks[j + 1][1]] in ("of", "’s", "'s")):
            j += 1
        tag = 1
        if j + 1 < n and (cls[j + 1] in (1, 2) or (not cls[j + 1] and lv[j + 1] >= STRONG)):
            tag = 2
        elif i >= 2 and text[toks[i - 2][0] : toks[i - 1][1]].lower() == "according to":
            tag = 3
        out[i : j + 1] = tag
    return out


@lru_cache(maxsize=100_000)
def _type_ctx(low: str, cls: str | None) -> tuple[tuple[str, ...], ...]:
    """A word type's features as a neighbour at offsets -1, +1 (with cue class), -2, +2, -3, +3."""
    return (_ctx(-1, low, cls), _ctx(1, low, cls), _ctx(-2, low, None), _ctx(2, low, None),
            _ctx(-3, low, None), _ctx(3, low, None))


_PAD = ("w=<s>",)
_PADS = (_PAD,) * 6
_Q = ("q=0", "q=1", "q=2")
_POS = ["pos=%d" % _bucket(k) for k in range(64)]


def featurize(text: str, toks: list[tuple[int, int]]) -> list[list[str]]:
    """One feature list per token of ``text``: the word-type features of the token and its neighbours
    (:func:`static_parts`), then the features of its place in the document (:func:`dynamic_features`)."""
    info, ctx = static_parts(text, toks)
    feats: list[list[str]] = []
    for i, dyn in enumerate(dynamic_features(text, toks, info)):
        f = list(info[i][0])
        f += ctx[i - 1][0]
        f += ctx[i + 1][1]
        f += ctx[i - 2][2]
        f += ctx[i + 2][3]
        f += ctx[i - 3][4]
        f += ctx[i + 3][5]
        f += dyn
        feats.append(f)
    return feats


def static_parts(text: str, toks: list[tuple[int, int]]) -> tuple[list[tuple], list[tuple]]:
    """Per token, :func:`_word_feats` of its word, and its word's features as a neighbour at offsets -1, +1, -2,
    +2, -3, +3 (:func:`_type_ctx`), padded so that ``ctx[i - k]`` and ``ctx[i + k]`` exist for k <= 3 (the pads
    are the sentence-boundary word ``w=<s>``). These depend on word types only (see :mod:`.crf`, which sums
    their weights once per type)."""
    info = [_word_feats(text[s:e]) for s, e in toks]
    ctx = [_type_ctx(x[1], x[2]) for x in info] + [_PADS] * 6  # ctx[n..n+2] and ctx[-1..-3] are pads
    return info, ctx


def dynamic_features(text: str, toks: list[tuple[int, int]], info: list[tuple]) -> list[list[str]]:
    """Per token, the features that depend on its place in the document (:func:`dynamic_columns`, row-wise)."""
    cols = [[None if k is None else prefix + (k if type(k) is str else sep.join(k)) for k in keys]
            for prefix, sep, keys in dynamic_columns(text, toks, info)]
    return [[x for x in row if x is not None] for row in zip(*cols)]


Column = tuple[str, str, list]  # (prefix, separator, keys): a feature is prefix + key, or prefix + sep.join(key)

# Keys of the small place-dependent columns, by code (see :class:`Place`).
SENT_KEYS = tuple("sent=%d%s%s" % (v, q, c) for v in range(6) for q in ("", "q") for c in ("", ":"))  # v*4+q*2+c
MC_M1 = (None,) + tuple("mc-1=%d" % v for v in range(1, 6))  # by cue level (0: no feature)
MC_P1 = (None,) + tuple("mc+1=%d" % v for v in range(1, 6))
MC_P2 = (None,) + tuple("mc+2=%d" % v for v in range(1, 6))
WHO_MC = (None,) + tuple("who+mc=%d" % v for v in range(1, 6))
POS_KEYS = tuple(_POS) + ("pos=99",)  # by min(position in sentence, 64)
SIDE = "ncab"  # REL_SIDE codes
_QUOTE_BEFORE_PAR = (ord('"'), ord("“"))
_BITS = {**{m: 1 for m in _MARKS}, ":": 2, **{w: 4 for w in PRONOUNS}}  # quote mark, colon, pronoun


class Place:
    """What the place-dependent features of a document's tokens are made of, as arrays of small integer codes
    (the tagger maps codes to weight rows with a gather; :func:`dynamic_columns` renders them as feature keys for
    training): ``lows`` (lower-case words), ``lv`` (mined cue levels, two zeros appended), ``rel``/``near`` (place
    relative to the nearest cue of the sentence, a :data:`REL_KEYS` code, and that cue's token index), ``mrel`` (to
    the nearest strong cue), ``qrel`` (to the nearest quote mark), ``runs`` (:func:`_cap_runs`), ``sent`` (the
    sentence's summary as a :data:`SENT_KEYS` code), ``who`` (a pronoun or inside a capitalised run), ``depth``
    (quote depth), ``pos`` (place in the sentence, at most 64), ``first``/``last`` (sentence borders), ``par``
    (starts a paragraph), ``colon`` (a colon earlier in the sentence)."""

    __slots__ = ("n", "wid", "lows", "lv", "rel", "near", "mrel", "qrel", "runs", "sent", "who", "depth", "pos", "first",
                 "last", "par", "colon")

    def __init__(self, text: str, toks: list[tuple[int, int]], info: list[tuple] | None = None, *,
                 codes: "tuple[list[str], np.ndarray, np.ndarray, np.ndarray] | None" = None):
        """From ``info`` (:func:`_word_feats` per token), or from ``codes``: the tokens' lower-case words, cue
        classes (:data:`CLS_CODES`), mined cue levels and :data:`_BITS`, as the tagger keeps them per word type
        (no per-token lookups; both give the same codes)."""
        n = self.n = len(toks)
        self.wid: np.ndarray | None = None  # the words' ids in the tagger's place tables, when it sets them
        if codes is None:
            info = info if n else []
            lows = [x[1] for x in info]
            cls = np.fromiter((CLS_CODES[x[2]] for x in info), dtype=np.int64, count=n)
            lv_n = np.fromiter((x[3] for x in info), dtype=np.int64, count=n)
            bits = np.fromiter(map(_BITS.get, lows, repeat(0)), dtype=np.int64, count=n)
        else:
            lows, cls, lv_n, bits = codes
        self.lows = lows
        self.lv = np.zeros(n + 2, dtype=np.int64)
        self.lv[:n] = lv_n
        lv = self.lv[:n]
        starts = np.fromiter(chain.from_iterable(toks), dtype=np.int64, count=2 * n)[::2]
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        sents = sentence_spans(text)
        if sents and n:
            sstart = np.fromiter((a for a, _ in sents), dtype=np.int64, count=len(sents))
            sid = np.maximum(np.searchsorted(sstart, starts, side="right") - 1, 0)
        else:
            sid = np.zeros(n, dtype=np.int64)
        mark, colon, pron = (bits & 1) > 0, (bits & 2) > 0, (bits & 4) > 0
        is_cue = cls > 0
        self.rel, self.near = _cue_codes(sid, is_cue)
        self.mrel, _ = _cue_codes(sid, is_cue | (lv >= STRONG))
        self.qrel, _ = _cue_codes(sid, mark)
        first_cp = cp[starts]
        upper = (first_cp >= 65) & (first_cp <= 90)  # ASCII capitals; other letters ask str.isupper
        for i in np.flatnonzero(first_cp >= 128).tolist():
            upper[i] = text[starts[i]].isupper()
        self.runs = _cap_runs(text, toks, cls, upper, lv)
        self.who = pron | (self.runs > 0)
        idx = np.arange(n)
        first = self.first = np.ones(n, dtype=bool)
        first[1:] = sid[1:] != sid[:-1]
        last = self.last = np.ones(n, dtype=bool)
        last[:-1] = first[1:]
        start = np.maximum.accumulate(np.where(first, idx, 0)) if n else idx
        self.pos = np.minimum(idx - start, 64)
        before = np.cumsum(colon) - colon  # colons before each token
        self.colon = before - before[start] > 0
        # the sentence's summary: highest cue level, a quote mark, a colon (per sentence id, read per token)
        k = int(sid.max()) + 1 if n else 0
        top = np.zeros(k, dtype=np.int64)
        np.maximum.at(top, sid, lv)
        hasq = np.zeros(k, dtype=bool)
        hasq[sid[mark]] = True
        hasc = np.zeros(k, dtype=bool)
        hasc[sid[colon]] = True
        self.sent = (top * 4 + hasq * 2 + hasc)[sid]
        self.depth = np.frombuffer(depth_array(text), dtype=np.uint8)[starts].astype(np.int64) if n else idx
        if n:
            prev1 = np.where(starts >= 1, cp[np.maximum(starts - 1, 0)], 10)
            prev2 = np.where(starts >= 2, cp[np.maximum(starts - 2, 0)], 0)
            self.par = (starts == 0) | (prev1 == 10) | (np.isin(prev1, _QUOTE_BEFORE_PAR) & (prev2 == 10))
        else:
            self.par = np.zeros(0, dtype=bool)


def dynamic_columns(text: str, toks: list[tuple[int, int]], info: list[tuple]) -> list[Column]:
    """The place-dependent features as columns, one per template, each holding one key or None per token:
    word bigrams, distances to the nearest cue word, strong cue and quote mark of its sentence, its sentence's
    summary, the cue levels of its neighbours, quote depth, position in the sentence, capitalised runs, sentence
    and paragraph boundaries, a colon earlier in the sentence. A feature is its column's prefix plus its key (a
    string, or a tuple joined by the column's separator). Rendered from :class:`Place`, whose codes the tagger
    maps to weights directly (:func:`newstrace.quotes.tagger.emissions`); this form is for training and
    :func:`featurize`."""
    p = Place(text, toks, info)
    n, lows = p.n, p.lows
    rel = _REL_ARR[p.rel].tolist()
    side = [SIDE[c] for c in REL_SIDE[p.rel].tolist()]
    mside = [SIDE[c] for c in REL_SIDE[p.mrel].tolist()]
    qside = [SIDE[c] for c in REL_SIDE[p.qrel].tolist()]
    near = p.near.tolist()
    stems = {k: stem(lows[k]) for k in set(near) if k >= 0}
    nearest = [stems[k] if k >= 0 else "" for k in near]
    lv = p.lv.tolist()
    q = [_Q[d] for d in p.depth.tolist()]
    return [
        ("b-=", "|", list(zip(["<s>"] + lows[:-1], lows))),
        ("b+=", "|", list(zip(lows, lows[1:] + ["</s>"]))),
        ("nc=", "", [(r, st) if st else None for r, st in zip(side, nearest)]),
        ("mrc=", "", _REL_ARR[p.mrel].tolist()),
        ("qm=", "", _REL_ARR[p.qrel].tolist()),
        ("mq=", "", list(zip(mside, qside))),
        ("", "", [SENT_KEYS[c] for c in p.sent.tolist()]),
        ("", "", [MC_M1[a] for a in [0] + lv[: n - 1]]),
        ("", "", [MC_P1[a] for a in lv[1 : n + 1]]),
        ("", "", [WHO_MC[a] if w else None for a, w in zip(lv[1 : n + 1], p.who.tolist())]),
        ("", "", [MC_P2[a] for a in lv[2 : n + 2]]),
        ("", "", q),
        ("rc=", "", rel),
        ("qrc=", "", [(x[2], s) for x, s in zip(q, side)]),
        ("wrc=", "|", list(zip(lows, rel))),
        ("", "", [POS_KEYS[k] for k in p.pos.tolist()]),
        ("caprun=", "", [RUN_KEYS[c] for c in p.runs.tolist()]),
        ("", "", ["bos" if x else None for x in p.first.tolist()]),
        ("", "", ["eos" if x else None for x in p.last.tolist()]),
        ("", "", ["par" if x else None for x in p.par.tolist()]),
        ("", "", ["colon" if x else None for x in p.colon.tolist()]),
    ]


def stack(feats: list[list[str]], text: str, toks: list[tuple[int, int]], labels: list[str]) -> list[list[str]]:
    """Second-pass features: the first pass's labels nearby, and each token's place relative to the nearest
    predicted cue of its sentence (long-range context a first-order CRF cannot see)."""
    sid = _sentence_ids(text, toks)
    roles = [lab[2] if lab != "O" else "" for lab in labels]
    cue_cls: list[str | None] = ["speech" if r == "C" else None for r in roles]
    rel, _ = _cue_distances(sid, cue_cls, [""] * len(toks))
    depth = depth_array(text)
    has: dict[int, set[str]] = {}
    for k, r in zip(sid, roles):
        has.setdefault(k, set()).add(r)
    n = len(toks)
    out = []
    for i, f in enumerate(feats):
        g = f + ["p0=" + labels[i], "p-1=" + (labels[i - 1] if i else "<s>"),
                 "p+1=" + (labels[i + 1] if i + 1 < n else "</s>"), "prc=" + rel[i],
                 "pqrc=%d%s" % (depth[toks[i][0]], rel[i][:1])]
        g += ["ps=" + r for r in sorted(has[sid[i]]) if r]
        out.append(g)
    return out
