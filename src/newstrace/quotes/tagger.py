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
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError
from .features import featurize, stack, tokenize

__all__ = ["MODEL_PATH", "LABELS", "RoleSpan", "tag_spans", "decode", "labels_for"]

# xz-compressed crfsuite models (about a third of the raw size), opened in memory.
MODEL_PATH = Path(__file__).with_name("attrib.crfsuite.xz")
MODEL2_PATH = Path(__file__).with_name("attrib2.crfsuite.xz")  # the second, stacked pass
ROLE_CODE = {"Source": "S", "Cue": "C", "Content": "T"}
CODE_ROLE = {v: k for k, v in ROLE_CODE.items()}
LABELS = ("O",) + tuple(f"{p}-{c}" for c in "SCT" for p in "BI")

RoleSpan = tuple[str, int, int]  # (role, start, end)


_BUFFERS: dict[Path, bytes] = {}


@lru_cache(maxsize=2)
def _tagger(second: bool = False):  # type: ignore[no-untyped-def]
    import pycrfsuite

    path = MODEL2_PATH if second else MODEL_PATH
    if not path.exists():
        raise ConfigError(f"tagger weights missing at {path}; run tools/train_quotes.py")
    t = pycrfsuite.Tagger()
    if path.suffix == ".xz":
        _BUFFERS[path] = lzma.decompress(path.read_bytes())  # crfsuite reads this buffer; keep it alive
        t.open_inmemory(_BUFFERS[path])
    else:
        t.open(str(path))
    return t


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


def _biased(t, labels: list[str], threshold: float) -> list[str]:  # type: ignore[no-untyped-def]
    """Viterbi labels with O replaced where P(O) < threshold (after ``t.set``/``t.tag`` on the sequence)."""
    out = list(labels)
    others = LABELS[1:]
    for i, lab in enumerate(labels):
        if lab == "O" and t.marginal("O", i) < threshold:
            best = max(others, key=lambda y: t.marginal(y, i))
            if best[2] not in BIASED_ROLES:
                continue
            if best[0] == "I" and (i == 0 or out[i - 1][2:] != best[2:]):
                best = "B" + best[1:]
            out[i] = best
    return out


def tag_spans(text: str, *, passes: int = 2, o_threshold: float | None = None) -> list[RoleSpan]:
    """Source, Cue and Content spans in ``text``, in order (``passes=1`` skips the stacked second pass)."""
    toks = tokenize(text)
    if not toks:
        return []
    feats = featurize(text, toks)
    t = _tagger()
    labels = t.tag(feats)
    th = O_THRESHOLD if o_threshold is None else o_threshold
    if th > 0.5:
        labels = _biased(t, labels, th)
    if passes > 1 and MODEL2_PATH.exists():
        labels = _tagger(True).tag(stack(feats, text, toks, labels))
    return _join_split_quotes(text, decode(toks, labels))
