"""The tagger's emission scores of a document in one compiled pass (numba): the word-type rows' static scores plus
the weights of the place-dependent features, computed from per-type codes and the token offsets, with no
intermediate arrays.

It computes exactly what :class:`.features.Place` and :meth:`.tagger._PlaceWeights.rows` compute with some sixty
numpy calls per document (same codes, same weight rows, same order of additions, so the same floating-point
sums: tests/quotes/test_emit.py compares them bit for bit). On bench/scale.py's generated news (440 tokens per
article, word-type table warm) the numpy path costs 2.07 ms per article, most of it fixed cost per call; this
pass 0.69 ms with its inputs (sentence starts, code points, quote depth), measured on 3,000 articles (see
docs/scale.md). Without numba, :func:`.tagger.emissions` keeps the numpy path.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from ..scan import code_points
from .crf import _hash_probe  # the IntMap probe of one key (compiled there)

__all__ = ["EMIT_CODES", "emit", "emit_arrays"]

# Rows of the tagger's per-type code table (:class:`.tagger._TypeScores`): the first four are what
# :class:`.features.Place` takes as ``codes``; the rest serve this pass alone.
EMIT_CODES = ("cls", "lv", "bits", "wid", "upper", "ofs", "according", "to", "nc_a", "nc_b")
CLS, LV, BITS, WID, UPPER, OFS, ACC, TO, NC_A, NC_B = range(len(EMIT_CODES))

_STRONG = 3  # features.STRONG (checked by the test)
def _cue_codes(sid: np.ndarray, cue: np.ndarray, after: np.ndarray, before: np.ndarray, nb: int,
               out: np.ndarray, near: np.ndarray) -> None:
    """:func:`.features._cue_codes` into ``out`` and ``near``: each token's place relative to the nearest cue of
    its sentence (the nearer side wins, 'after' on a tie) and that cue's index (-1: none, or a cue itself)."""
    n = len(sid)
    s = 0
    while s < n:
        e = s
        while e + 1 < n and sid[e + 1] == sid[s]:
            e += 1
        prev = -1
        for i in range(s, e + 1):  # forward: the last cue at or before i
            if cue[i]:
                prev = i
            near[i] = prev
        nxt = n
        for i in range(e, s - 1, -1):  # backward: the first cue at or after i, then the choice
            if cue[i]:
                nxt = i
            prev = near[i]
            if cue[i]:
                out[i] = 1
                near[i] = -1
            elif prev >= 0 and (nxt == n or i - prev <= nxt - i):
                out[i] = after[min(i - prev, nb)]
                near[i] = prev
            elif nxt < n:
                out[i] = before[min(nxt - i, nb)]
                near[i] = nxt
            else:
                out[i] = 0
                near[i] = -1
        s = e + 1


def _emit_py(starts: np.ndarray, ends: np.ndarray, cp: np.ndarray, sstart: np.ndarray, depth: np.ndarray,
             rows: np.ndarray, table: np.ndarray, codes: np.ndarray, state: np.ndarray,
             after: np.ndarray, before: np.ndarray, rel_side: np.ndarray,
             bm_table: np.ndarray, bm_vals: np.ndarray, bp_table: np.ndarray, bp_vals: np.ndarray, shift_m: int,
             shift_p: int, m: int, bos: int, eos: int, miss: int, wrc: np.ndarray, nrel: int,
             mrc: np.ndarray, qm: np.ndarray, mq: np.ndarray, sent_t: np.ndarray, mc_m1: np.ndarray,
             mc_p1: np.ndarray, who_t: np.ndarray, mc_p2: np.ndarray, q_t: np.ndarray, rc: np.ndarray,
             qrc: np.ndarray, pos_t: np.ndarray, run_t: np.ndarray, f_first: np.ndarray, f_last: np.ndarray,
             f_par: np.ndarray, f_colon: np.ndarray) -> np.ndarray:
    n = len(rows)
    k = table.shape[2]
    nb = len(after) - 1
    em = np.zeros((n, k))
    if n == 0:
        return em
    cls = np.empty(n, np.int64)
    lv = np.zeros(n + 2, np.int64)
    wid = np.empty(n, np.int64)
    for i in range(n):
        r = rows[i]
        cls[i] = codes[CLS, r]
        lv[i] = codes[LV, r]
        wid[i] = codes[WID, r]
    # sentence ids: the last sentence start at or before the token (0 before the first)
    sid = np.zeros(n, np.int64)
    j = 0
    ns = len(sstart)
    for i in range(n):
        while j < ns and sstart[j] <= starts[i]:
            j += 1
        sid[i] = max(j - 1, 0)
    cue = np.empty(n, np.bool_)
    strong = np.empty(n, np.bool_)
    mark = np.empty(n, np.bool_)
    for i in range(n):
        cue[i] = cls[i] > 0
        strong[i] = cue[i] or lv[i] >= _STRONG
        mark[i] = (codes[BITS, rows[i]] & 1) > 0
    rel = np.empty(n, np.int64)
    near = np.empty(n, np.int64)
    mrel = np.empty(n, np.int64)
    qrel = np.empty(n, np.int64)
    tmp = np.empty(n, np.int64)
    _cue_codes(sid, cue, after, before, nb, rel, near)
    _cue_codes(sid, strong, after, before, nb, mrel, tmp)
    _cue_codes(sid, mark, after, before, nb, qrel, tmp)
    # capitalised runs (features._cap_runs): 1 'in', 2 'cue' (a cue word right after), 3 'acc' ("according to")
    runs = np.zeros(n, np.int64)
    for i in range(n):
        if runs[i] or not codes[UPPER, rows[i]]:
            continue
        j = i
        while j + 1 < n and (codes[UPPER, rows[j + 1]] or codes[OFS, rows[j + 1]]):
            j += 1
        tag = 1
        if j + 1 < n and (cls[j + 1] == 1 or cls[j + 1] == 2 or (cls[j + 1] == 0 and lv[j + 1] >= _STRONG)):
            tag = 2
        elif (i >= 2 and codes[ACC, rows[i - 2]] and codes[TO, rows[i - 1]] and starts[i - 1] == ends[i - 2] + 1
              and cp[ends[i - 2]] == 32):
            tag = 3
        for t in range(i, j + 1):
            runs[t] = tag
    # per sentence: highest cue level, a quote mark, a colon
    sent = np.empty(n, np.int64)
    colon_seen = np.zeros(n, np.bool_)
    pos = np.empty(n, np.int64)
    s = 0
    while s < n:
        e = s
        while e + 1 < n and sid[e + 1] == sid[s]:
            e += 1
        top, hasq, hasc = 0, 0, 0
        for i in range(s, e + 1):
            top = max(top, lv[i])
            b = codes[BITS, rows[i]]
            if b & 1:
                hasq = 1
            if b & 2:
                hasc = 1
        seen = False
        for i in range(s, e + 1):
            sent[i] = top * 4 + hasq * 2 + hasc
            pos[i] = min(i - s, 64)
            colon_seen[i] = seen
            if codes[BITS, rows[i]] & 2:
                seen = True
        s = e + 1
    k3 = n - 1
    pl = np.empty(21, np.int64)  # the place rows of a token, in _PlaceWeights.rows's order
    for i in range(n):
        r = rows[i]
        # static scores: the word's own slot, then its neighbours' at -1, +1, -2, +2, -3, +3 (row 0 beyond the text)
        p1 = rows[i - 1] if i >= 1 else 0
        n1 = rows[i + 1] if i + 1 <= k3 else 0
        p2 = rows[i - 2] if i >= 2 else 0
        n2 = rows[i + 2] if i + 2 <= k3 else 0
        p3 = rows[i - 3] if i >= 3 else 0
        n3 = rows[i + 3] if i + 3 <= k3 else 0
        # place rows, in _PlaceWeights.rows's order
        w = wid[i]
        pw = bos if i == 0 else wid[i - 1]
        nw = eos if i == k3 else wid[i + 1]
        b_minus = _hash_probe(bm_table, bm_vals, pw * m + w if (pw > 0 and w > 0) else -1, shift_m, miss)
        b_plus = _hash_probe(bp_table, bp_vals, w * m + nw if (w > 0 and nw > 0) else -1, shift_p, miss)
        side = rel_side[rel[i]]
        ncr = miss
        if near[i] >= 0:
            ncr = codes[NC_A, rows[near[i]]] if side == 2 else codes[NC_B, rows[near[i]]]
        st = starts[i]
        first = i == 0 or sid[i] != sid[i - 1]
        last = i == k3 or sid[i + 1] != sid[i]
        d = depth[st]
        prev1 = cp[st - 1] if st >= 1 else 10
        prev2 = cp[st - 2] if st >= 2 else 0
        par = st == 0 or prev1 == 10 or ((prev1 == 34 or prev1 == 0x201C) and prev2 == 10)
        who = (codes[BITS, r] & 4) > 0 or runs[i] > 0
        pl[0], pl[1], pl[2] = b_minus, b_plus, ncr
        pl[3], pl[4], pl[5] = mrc[mrel[i]], qm[qrel[i]], mq[rel_side[mrel[i]] * 4 + rel_side[qrel[i]]]
        pl[6], pl[7], pl[8] = sent_t[sent[i]], mc_m1[lv[i - 1] if i >= 1 else 0], mc_p1[lv[i + 1]]
        pl[9], pl[10], pl[11] = who_t[lv[i + 1] if who else 0], mc_p2[lv[i + 2]], q_t[d]
        pl[12], pl[13] = rc[rel[i]], qrc[d * 4 + side]
        pl[14] = wrc[w * nrel + rel[i]] if w > 0 else miss
        pl[15], pl[16] = pos_t[pos[i]], run_t[runs[i]]
        pl[17], pl[18] = f_first[1 if first else 0], f_last[1 if last else 0]
        pl[19], pl[20] = f_par[1 if par else 0], f_colon[1 if colon_seen[i] else 0]
        for c in range(k):
            a = table[r, 0, c] + table[p1, 1, c] + table[n1, 2, c] + table[p2, 3, c] + table[n2, 4, c]
            a = a + table[p3, 5, c] + table[n3, 6, c]
            b = state[pl[0], c]
            for x in range(1, 21):
                b = b + state[pl[x], c]
            em[i, c] = a + b
    return em


try:  # compiled when numba is present (a dependency; cached on disk after the first run)
    from numba import njit

    _cue_codes = njit(cache=True, nogil=True)(_cue_codes)
    _emit = njit(cache=True, nogil=True)(_emit_py)
    COMPILED = True
except ImportError:  # pragma: no cover - numba is a declared dependency
    _emit = _emit_py
    COMPILED = False


def emit(text: str, toks: list[tuple[int, int]], rows: np.ndarray, ts, pw) -> np.ndarray:  # type: ignore[no-untyped-def]
    """(tokens, labels) emission scores of a document: ``rows`` its tokens' word-type rows in ``ts`` (the
    tagger's :class:`.tagger._TypeScores`), ``pw`` the place-feature tables (:class:`.tagger._PlaceWeights`)."""
    n = len(toks)
    se = np.fromiter(chain.from_iterable(toks), dtype=np.int64, count=2 * n)
    cp = code_points(text)
    return emit_arrays(text, cp, se[0::2].copy(), se[1::2].copy(), rows, ts, pw)


def emit_arrays(text: str, cp: np.ndarray, starts: np.ndarray, ends: np.ndarray, rows: np.ndarray, ts, pw
                ) -> np.ndarray:  # type: ignore[no-untyped-def]
    """:func:`emit` with the text's code points and the token spans as arrays (:func:`newstrace.scan.scan`)."""
    from . import features as F
    from .marks import depth_array

    sents = F.sentence_spans(text)
    sstart = np.array([a for a, _ in sents], dtype=np.int64)
    depth = np.frombuffer(depth_array(text), dtype=np.uint8)
    bm, bp = pw.pair_rows["b-="], pw.pair_rows["b+="]
    return _emit(np.ascontiguousarray(starts), np.ascontiguousarray(ends), cp, sstart, depth,
                 np.ascontiguousarray(rows), ts.table, ts.codes,
                 pw.state, F._AFTER_CODE, F._BEFORE_CODE, F.REL_SIDE, bm.table, bm.vals, bp.table, bp.vals, bm.shift,
                 bp.shift, pw.m, pw.bos_id, pw.eos_id, pw.miss, pw.wrc, len(F.REL_KEYS), pw.mrc, pw.qm, pw.mq,
                 pw.sent, pw.mc_m1, pw.mc_p1, pw.who, pw.mc_p2, pw.q, pw.rc, pw.qrc, pw.pos, pw.run, pw.flags[0],
                 pw.flags[1], pw.flags[2], pw.flags[3])
