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


def _shape(w: str) -> str:
    s = re.sub(r"[A-Z]", "X", w)
    s = re.sub(r"[a-z]", "x", s)
    s = re.sub(r"\d", "d", s)
    return re.sub(r"(.)\1+", r"\1\1", s)[:6]


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


_AFTER_TAB = np.array(_AFTER + ["a99"], dtype=object)
_BEFORE_TAB = np.array(_BEFORE + ["b99"], dtype=object)


def _cue_distances(sid: list[int], cls: list[str | None], lows: list[str]) -> tuple[list[str], list[str]]:
    """Per token: 'b3' (3 tokens before the nearest cue of its sentence), 'a1', 'c' (is a cue) or 'n' (none),
    and the stem of that nearest cue word ('' when none). The nearer side wins, 'after' on a tie. In numpy:
    running maxima and minima of cue positions, cut at sentence borders."""
    n = len(sid)
    if not n:
        return [], []
    idx = np.arange(n)
    s = np.asarray(sid)
    cue = np.fromiter(map(bool, cls), dtype=bool, count=n)
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
    use_q = has_q & ~has_p | (has_q & has_p & (idx - prev > nxt - idx))
    use_q &= ~cue
    out = np.full(n, "n", dtype=object)
    out[use_p] = _AFTER_TAB[np.minimum(idx[use_p] - prev[use_p], _NB)]
    out[use_q] = _BEFORE_TAB[np.minimum(nxt[use_q] - idx[use_q], _NB)]
    out[cue] = "c"
    near = np.full(n, "", dtype=object)
    j = np.where(use_p, prev, nxt)
    mask = use_p | use_q
    if mask.any():
        stems = {k: stem(lows[k]) for k in set(j[mask].tolist())}
        near[mask] = [stems[k] for k in j[mask].tolist()]
    return out.tolist(), near.tolist()


def _cap_runs(text: str, toks: list[tuple[int, int]], cls: list[str | None]) -> list[str]:
    """Per token: '' outside a run of capitalised words, else 'in', or 'cue' when the run ends right before
    a cue word ("Esmail Qaani said") or 'acc' right after "according to"."""
    n = len(toks)
    out = [""] * n
    i = 0
    while i < n:
        if not text[toks[i][0]].isupper():
            i += 1
            continue
        j = i
        while j + 1 < n and (text[toks[j + 1][0]].isupper()
                             or text[toks[j + 1][0] : toks[j + 1][1]] in ("of", "’s", "'s")):
            j += 1
        tag = "in"
        if j + 1 < n and cls[j + 1] in ("speech", "thought"):
            tag = "cue"
        elif i >= 2 and text[toks[i - 2][0] : toks[i - 1][1]].lower() == "according to":
            tag = "acc"
        for k in range(i, j + 1):
            out[k] = tag
        i = j + 1
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


def dynamic_columns(text: str, toks: list[tuple[int, int]], info: list[tuple]) -> list[Column]:
    """The place-dependent features as columns, one per template, each holding one key or None per token:
    word bigrams, distances to the nearest cue word, strong cue and quote mark of its sentence, its sentence's
    summary, the cue levels of its neighbours, quote depth, position in the sentence, capitalised runs, sentence
    and paragraph boundaries, a colon earlier in the sentence. A feature is its column's prefix plus its key (a
    string, or a tuple joined by the column's separator): keys repeat across documents, so the tagger maps them
    to weight rows through a cache per column without building the feature strings
    (:func:`newstrace.quotes.tagger.emissions`)."""
    n = len(toks)
    lows = [x[1] for x in info]
    cls = [x[2] for x in info]
    depth = depth_array(text)
    sid = _sentence_ids(text, toks)
    rel, nearest = _cue_distances(sid, cls, lows)
    lv = [x[3] for x in info] + [0, 0]
    strong = [c or ("mined" if v >= STRONG else None) for c, v in zip(cls, lv)]
    mrel, _ = _cue_distances(sid, strong, lows)
    qrel, _ = _cue_distances(sid, ["m" if low in _MARKS else None for low in lows], lows)
    runs = _cap_runs(text, toks, [c or ("thought" if v >= STRONG else None) for c, v in zip(cls, lv)])
    sent = _sentence_flags(sid, lv, lows)
    first = [i == 0 or sid[i] != sid[i - 1] for i in range(n)]
    last = [i + 1 == n or sid[i + 1] != sid[i] for i in range(n)]
    pos: list[int] = []
    colon: list[bool] = []
    k = 0
    seen = False
    for i in range(n):
        if first[i]:
            k, seen = 0, False
        pos.append(k)
        colon.append(seen)
        seen = seen or lows[i] == ":"
        k += 1
    q = [_Q[depth[s]] for s, _ in toks]
    return [
        ("b-=", "|", list(zip(["<s>"] + lows[:-1], lows))),
        ("b+=", "|", list(zip(lows, lows[1:] + ["</s>"]))),
        ("nc=", "", [(r[0], st) if st else None for r, st in zip(rel, nearest)]),
        ("mrc=", "", mrel),
        ("qm=", "", qrel),
        ("mq=", "", [(m[0], x[0]) for m, x in zip(mrel, qrel)]),
        ("", "", [sent[j] for j in sid]),
        ("", "", [_MC_M1[a] if a else None for a in [0] + lv[: n - 1]]),
        ("", "", [_MC_P1[a] if a else None for a in lv[1 : n + 1]]),
        ("", "", [_WHO_MC[a] if a and (low in PRONOUNS or run) else None
                  for a, low, run in zip(lv[1 : n + 1], lows, runs)]),
        ("", "", [_MC_P2[a] if a else None for a in lv[2 : n + 2]]),
        ("", "", q),
        ("rc=", "", rel),
        ("qrc=", "", [(x[2], r[0]) for x, r in zip(q, rel)]),
        ("wrc=", "|", list(zip(lows, rel))),
        ("", "", [_POS[k] if k < 64 else "pos=99" for k in pos]),
        ("caprun=", "", runs),
        ("", "", ["bos" if x else None for x in first]),
        ("", "", ["eos" if x else None for x in last]),
        ("", "", ["par" if s == 0 or text[s - 1] == "\n" or (s > 1 and text[s - 1] in "\"“" and text[s - 2] == "\n")
                  else None for s, _ in toks]),
        ("", "", ["colon" if x else None for x in colon]),
    ]


_MC_M1 = ["mc-1=%d" % v for v in range(6)]
_MC_P1 = ["mc+1=%d" % v for v in range(6)]
_MC_P2 = ["mc+2=%d" % v for v in range(6)]
_WHO_MC = ["who+mc=%d" % v for v in range(6)]


def _sentence_flags(sid: list[int], lv: list[int], lows: list[str]) -> list[str]:
    """Per sentence: one feature naming its highest mined cue level and whether it holds a quote mark, a colon."""
    top: dict[int, list] = {}
    for k, v, low in zip(sid, lv, lows):
        t = top.setdefault(k, [0, False, False])
        t[0] = max(t[0], v)
        t[1] = t[1] or low in _MARKS
        t[2] = t[2] or low == ":"
    return ["sent=%d%s%s" % (t[0], "q" if t[1] else "", ":" if t[2] else "") for t in
            (top.get(k, (0, False, False)) for k in range(max(sid, default=-1) + 1))]


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
