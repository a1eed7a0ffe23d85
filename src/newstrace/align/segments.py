"""Fine-grained passages for reading: each aligned sentence pair cut at its verbatim runs and quotations.

:func:`~newstrace.align.align` reports one passage per reuse case (what PAN's granularity rewards). A reader
comparing two articles wants to see, within such a case, which words were copied and which sentences were
reworded. :func:`segments` takes the same seeds and splits every aligned sentence pair into verbatim runs (long
runs of identical words, or shared quotations) and the reworded stretches between them, then joins neighbours
of the same kind.
"""

from __future__ import annotations

from .kinds import classify, word_similarity
from .extend import Cluster
from .pipeline import candidates
from .prep import Prepared
from .refine import Block, explained, widen
from .seeds import SentenceSim, sentence_similarity
from .types import DEFAULTS, AlignSettings, Passage

__all__ = ["segments"]

# A run of at least this many identical words is a verbatim passage even inside a reworded sentence. 6 words:
# shorter shared runs ("the supreme commander of") are common phrasing in two reports of one event.
RUN_WORDS = 6
# A shared run this long or longer counts as verbatim when it is a quotation (quote marks around it in one text,
# a quote mark beside it in the other): "living martyr" quoted in both is copied, not paraphrased.
QUOTE_WORDS = 2
# A reworded stretch needs this many matched content words to stand as a passage.
MIN_CONTENT = 2
# A single aligned sentence pair with no verbatim run needs this cosine to count (two loosely similar sentences
# in unrelated articles are common; a stronger match or a neighbouring pair is evidence of reuse).
SOLO_MIN_COS = 0.45
# Neighbouring passages of one kind are joined when only this many characters (spaces, punctuation, a short
# attribution) separate them in both texts.
JOIN_CHARS = 3

_OPEN, _CLOSE = "“\"‘'«", "”\"’'»"


def _chars(p: Prepared, w: int, n: int) -> tuple[int, int]:
    return int(p.word_spans[w, 0]), int(p.word_spans[w + n - 1, 1])


def _quoted(text: str, start: int, end: int) -> tuple[bool, bool]:
    """(enclosed in quote marks, beside a quote mark) for the span ``[start, end)`` of ``text``."""
    before = text[max(0, start - 2) : start].strip()
    after = text[end : end + 2].strip(".,;:!? ")
    o, c = bool(before) and before[-1] in _OPEN, bool(after) and after[0] in _CLOSE
    return o and c, o or c


def _is_run(a: Prepared, b: Prepared, blk: Block) -> bool:
    x, y, n = blk
    if n >= RUN_WORDS:
        return True
    if n < QUOTE_WORDS:
        return False
    qa, qb = _quoted(a.text, *_chars(a, x, n)), _quoted(b.text, *_chars(b, y, n))
    return (qa[0] and qb[1]) or (qb[0] and qa[1])


def _same_words(a: Prepared, b: Prepared, blk: Block) -> tuple[Block | None, Block, Block | None] | None:
    """Split a stem-matched run into (head, core, tail) so that the core's words are identical ("added" and
    "adding" share a stem but are not copied); None when too little of it is identical."""
    x, y, n = blk
    same = [a.word_norm[x + k] == b.word_norm[y + k] for k in range(n)]
    lo, hi = 0, n
    while lo < hi and not same[lo]:
        lo += 1
    while hi > lo and not same[hi - 1]:
        hi -= 1
    if hi - lo < QUOTE_WORDS or not _is_run(a, b, (x + lo, y + lo, hi - lo)):
        return None
    head = (x, y, lo) if lo else None
    tail = (x + hi, y + hi, n - hi) if hi < n else None
    return head, (x + lo, y + lo, hi - lo), tail


def _passage(a: Prepared, b: Prepared, first: Block, last: Block) -> Passage:
    a0, a1 = widen(a.text, _chars(a, first[0], 1)[0], _chars(a, last[0], last[2])[1])
    b0, b1 = widen(b.text, _chars(b, first[1], 1)[0], _chars(b, last[1], last[2])[1])
    ws = word_similarity(a, (a0, a1), b, (b0, b1))
    return Passage(a0, a1, b0, b1, classify(ws), round(ws, 4))


def _reworded(a: Prepared, b: Prepared, wa: tuple[int, int], wb: tuple[int, int]) -> Passage | None:
    """The stretch of words ``wa`` of A and ``wb`` of B (half-open word ranges) as a passage, if it has words."""
    if wa[1] <= wa[0] or wb[1] <= wb[0]:
        return None
    a0, a1 = widen(a.text, int(a.word_spans[wa[0], 0]), int(a.word_spans[wa[1] - 1, 1]))
    b0, b1 = widen(b.text, int(b.word_spans[wb[0], 0]), int(b.word_spans[wb[1] - 1, 1]))
    ws = word_similarity(a, (a0, a1), b, (b0, b1))
    return Passage(a0, a1, b0, b1, classify(ws), round(ws, 4))


def _split_pair(a: Prepared, b: Prepared, i: int, j: int, blocks: list[Block]) -> list[Passage]:
    """Cut sentence pair (i, j) at its verbatim runs; each stretch between runs (or a sentence edge) with
    :data:`MIN_CONTENT` matched content words is a reworded passage of its own."""
    out: list[Passage] = []
    group: list[Block] = []
    wa, wb = int(a.sent_words[i, 0]), int(b.sent_words[j, 0])  # where the current stretch starts

    def flush(end_a: int, end_b: int) -> None:
        content = sum(int(a.content[x + k]) for x, _, n in group for k in range(n))
        if group and content >= MIN_CONTENT:
            p = _reworded(a, b, (wa, end_a), (wb, end_b))
            if p is not None:
                out.append(p)
        group.clear()

    for blk in blocks:
        core = _same_words(a, b, blk) if _is_run(a, b, blk) else None
        if core is None:
            group.append(blk)
            continue
        head, body, tail = core
        if head:
            group.append(head)
        flush(body[0], body[1])
        out.append(_passage(a, b, body, body))
        wa, wb = body[0] + body[2], body[1] + body[2]
        if tail:
            group.append(tail)
    flush(int(a.sent_words[i, 1]), int(b.sent_words[j, 1]))
    return out


def _join(ps: list[Passage], a: Prepared, b: Prepared) -> list[Passage]:
    """Join passages of one kind that follow each other closely in both texts."""
    out: list[Passage] = []
    for p in sorted(ps, key=lambda p: (p.a_start, p.b_start)):
        q = out[-1] if out else None
        if (q and q.kind == p.kind and 0 <= p.a_start - q.a_end <= JOIN_CHARS
                and 0 <= p.b_start - q.b_end <= JOIN_CHARS):
            ws = word_similarity(a, (q.a_start, p.a_end), b, (q.b_start, p.b_end))
            if classify(ws) == q.kind:
                out[-1] = Passage(q.a_start, p.a_end, q.b_start, p.b_end, q.kind, round(ws, 4))
                continue
        out.append(p)
    return out


def _overlaps(p: Passage, kept: list[Passage]) -> bool:
    return any(min(p.a_end, k.a_end) > max(p.a_start, k.a_start) and min(p.b_end, k.b_end) > max(p.b_start, k.b_start)
               for k in kept)


def segments(a: Prepared, b: Prepared, settings: AlignSettings = DEFAULTS, *, sim: SentenceSim | None = None,
             cands: list[tuple[Cluster, bool]] | None = None) -> list[Passage]:
    """Verbatim runs, quotations and reworded sentence pairs shared by two texts, ordered by their start in A.

    ``sim`` and ``cands`` may pass in :func:`~newstrace.align.seeds.sentence_similarity` and
    :func:`~newstrace.align.pipeline.candidates` of the same texts when the caller has them (they are then not
    computed again)."""
    if a.n_sents == 0 or b.n_sents == 0:
        return []
    sim = sim or sentence_similarity(a, b)
    found: list[Passage] = []
    for c, _ in candidates(a, b, settings, sim=sim) if cands is None else cands:
        pairs = explained(a, b, c.seeds)
        for i, j, blocks in pairs:
            parts = _split_pair(a, b, i, j, blocks)
            solo = len(pairs) == 1 and sim.cos[i, j] < SOLO_MIN_COS
            found += [p for p in parts if not solo or p.kind == "verbatim"]
    kept: list[Passage] = []
    for p in sorted(found, key=lambda p: -(p.a_end - p.a_start)):
        if not _overlaps(p, kept):
            kept.append(p)
    return _join(kept, a, b)
