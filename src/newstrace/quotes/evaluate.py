"""Role-level span scoring for attribution extraction, as defined at the top of ``shared/eval/polnear_score.py``.

Exact: a prediction equals a gold span's first start and last end. Overlap: one-to-one greedy matching of
predictions and gold spans sharing non-whitespace characters, best overlap first. Micro-averaged P/R/F1.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .brat import ROLES, GoldDoc, trim

__all__ = ["evaluate", "format_table", "match_count", "prf"]

Frags = tuple[tuple[int, int], ...]


def _nws_prefix(text: str) -> list[int]:
    pre = [0] * (len(text) + 1)
    c = 0
    for i, ch in enumerate(text):
        c += not ch.isspace()
        pre[i + 1] = c
    return pre


def match_count(preds: list[tuple[int, int]], golds: list[Frags], mode: str, pre: list[int]) -> int:
    """Matched pairs between predicted spans and gold spans (one-to-one, greedy, best first)."""
    cands = []
    for pi, (ps, pe) in enumerate(preds):
        for gi, g in enumerate(golds):
            if mode == "exact":
                if ps == g[0][0] and pe == max(b for _, b in g):
                    cands.append((-1, 0.0, g[0][0], ps, pi, gi))
                continue
            ov = sum(pre[min(pe, ge)] - pre[max(ps, gs)] for gs, ge in g if max(ps, gs) < min(pe, ge))
            if ov > 0:
                n_g = sum(pre[ge] - pre[gs] for gs, ge in g)
                cands.append((-ov, -ov / (pre[pe] - pre[ps] + n_g - ov), g[0][0], ps, pi, gi))
    cands.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    for *_, pi, gi in cands:
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
    return len(used_p)


def _gold_by_role(doc: GoldDoc) -> dict[str, list[Frags]]:
    out: dict[str, list[Frags]] = {r: [] for r in ROLES}
    for att in doc.attributions:
        for role, frags in att.items():
            if frags not in out[role]:
                out[role].append(frags)
    return out


def evaluate(docs: Iterable[GoldDoc], predict: Callable[[str], list[tuple[str, int, int]]] | None = None
             ) -> dict[str, dict[str, tuple[int, int, int]]]:
    """``{role: {mode: (tp, n_pred, n_gold)}}`` over ``docs``; ``predict(text)`` gives (role, start, end)."""
    if predict is None:
        from .tagger import tag_spans as predict
    counts = {r: {m: [0, 0, 0] for m in ("exact", "overlap")} for r in ROLES}
    for doc in docs:
        pre = _nws_prefix(doc.text)
        gold = _gold_by_role(doc)
        preds: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        for role, s, e in predict(doc.text):
            s, e = trim(doc.text, s, e)
            if s < e and (s, e) not in preds[role]:
                preds[role].append((s, e))
        for role in ROLES:
            for mode, c in counts[role].items():
                c[0] += match_count(preds[role], gold[role], mode, pre)
                c[1] += len(preds[role])
                c[2] += len(gold[role])
    return {r: {m: tuple(c) for m, c in v.items()} for r, v in counts.items()}  # type: ignore[misc]


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def format_table(res: dict[str, dict[str, tuple[int, int, int]]], label: str = "newstrace") -> str:
    """A plain-text table: one row per role and mode with P, R, F1."""
    lines = [f"{'system':12} {'role':8} {'mode':8} {'gold':>6} {'pred':>6} {'tp':>6} {'P':>6} {'R':>6} {'F1':>6}"]
    for role in ROLES:
        for mode in ("exact", "overlap"):
            tp, npred, ngold = res[role][mode]
            p, r, f = prf(tp, npred, ngold)
            lines.append(f"{label:12} {role:8} {mode:8} {ngold:6d} {npred:6d} {tp:6d} {p:6.3f} {r:6.3f} {f:6.3f}")
    return "\n".join(lines)
