"""Adapters: the facts of articles and pairs, found with the alignment and quotation stages, and :func:`link`."""

from __future__ import annotations

import operator
import re
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain, compress
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .kernel import decide
from .model import DEFAULT_PROVENANCE, ArticleFacts, Link, PairFacts, ProvenanceSettings, QuoteFact

if TYPE_CHECKING:
    from ..align import Prepared
    from ..model import Article

__all__ = ["article_facts", "kin_sentences", "link", "match_sentences", "pair_facts", "paragraph_breaks",
           "quote_relation"]


# Shared quotation cores shorter than this many words are too common to show that two cuts came from one quote.
MIN_OVERLAP_WORDS = 3


def quote_relation(a_words: Sequence[str], b_words: Sequence[str], fallback: str = "altered") -> str:
    """How B's quoted words relate to A's (see :data:`QuoteRelation`); ``fallback`` when none of the clear cases.

    >>> quote_relation("we will not leave".split(), "we will not leave them alone".split())
    'extended'
    >>> quote_relation("a b c d e".split(), "c d e f g".split())
    'overlap'
    """
    import difflib

    wa, wb = tuple(a_words), tuple(b_words)
    if wa == wb:
        return "exact"
    n, m = len(wa), len(wb)
    if m < n and any(wa[i:i + m] == wb for i in range(n - m + 1)):
        return "truncated"
    if n < m and any(wb[i:i + n] == wa for i in range(m - n + 1)):
        return "extended"
    k = difflib.SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, n, 0, m)
    if k.size >= MIN_OVERLAP_WORDS:
        a_head, b_tail = k.a > 0 and k.a + k.size == n, k.b == 0 and k.b + k.size < m
        a_tail, b_head = k.a == 0 and k.a + k.size < n, k.b > 0 and k.b + k.size == m
        if (a_head and b_tail) or (a_tail and b_head):
            return "overlap"
    return fallback


# An altered quotation keeps at least this share of its words in order (difflib ratio over both); below it two
# quotations merely share a few words ("the battle ... against the"). A one- or two-word edit in a ten-word
# quotation scores 0.8-0.9; unrelated quotations on one topic score under 0.4 on invented examples.
ALTERED_MIN_RATIO = 0.5


def _word_ratio(a: Sequence[str], b: Sequence[str]) -> float:
    import difflib

    return difflib.SequenceMatcher(None, list(a), list(b), autojunk=False).ratio()


# Two sentences say the same when they share at least this share of the content stems of the shorter one, and at
# least SENTENCE_MIN_SHARED stems. 0.5: a rewritten sentence (synonyms, a dropped clause) keeps well over half its
# content words; two different sentences of one story share a name or two (checked on invented examples).
SENTENCE_MIN_COVER = 0.5
SENTENCE_MIN_SHARED = 3


@dataclass(frozen=True, slots=True)
class _Sentences:
    """The sentences of a text (:func:`~newstrace.tokens.sentences`) with their content stems (the words that are no
    stopword, stemmed) as a 0/1 matrix: ``has[i, index[t]]`` when sentence ``i`` holds stem ``t``."""

    spans: tuple[tuple[int, int], ...]
    index: dict[str, int]
    has: np.ndarray  # (n_sentences, n_stems) bool
    size: np.ndarray  # (n_sentences,) int64: stems per sentence


# The sentence stems of the last few texts (a pair needs each text's twice, and consecutive pairs of a corpus run
# often share an article).
_STEMS: "OrderedDict[str, _Sentences]" = OrderedDict()
_STEMS_MAX = 16


def _sentence_stems(text: str, prepared: "Prepared | None" = None) -> _Sentences:
    """The sentences of ``text`` with their content stems; from :data:`_STEMS` when there, else read from
    ``prepared`` (:func:`newstrace.align.prepare` of ``text``, which has found the words and stems already) when
    given and it can, else from the text. Also kept in ``prepared.cache``: a prepared text outlives the few texts
    here in the pair stage's cache of them (:func:`newstrace.pipeline.stages.prepared`)."""
    out = _STEMS.get(text)
    if out is not None:
        _STEMS.move_to_end(text)
        return out
    own = prepared is not None and prepared.text == text
    if own:  # kept with the prepared text too, for as long as the pair stage's cache of those holds it
        out = prepared.cache.get("sentence_stems")  # type: ignore[union-attr]
    if out is None:
        out = _stems_prepared(prepared) if own else None  # type: ignore[arg-type]
        if out is None:
            out = _stems_of(text)
        if own:
            prepared.cache["sentence_stems"] = out  # type: ignore[union-attr]
    _STEMS[text] = out
    if len(_STEMS) > _STEMS_MAX:
        _STEMS.popitem(last=False)
    return out


def _matrix(spans: Sequence[tuple[int, int]], stems: list[list[str]]) -> _Sentences:
    """:class:`_Sentences` from each sentence's span and stems (repeats allowed)."""
    index = dict.fromkeys(chain.from_iterable(stems))
    index = dict(zip(index, range(len(index))))
    lens = np.fromiter(map(len, stems), dtype=np.int64, count=len(stems))
    has = np.zeros((len(stems), len(index)), dtype=bool)
    has[np.repeat(np.arange(len(stems)), lens),
        np.fromiter(map(index.__getitem__, chain.from_iterable(stems)), dtype=np.int64, count=int(lens.sum()))] = True
    return _Sentences(tuple(spans), index, has, has.sum(axis=1))


def _stems_of(text: str) -> _Sentences:
    from ..tokens import STOPWORDS, WORD_RE, sentences, stem

    spans = sentences(text)
    stems = []
    for s, e in spans:
        words = (m.group().lower() for m in WORD_RE.finditer(text, s, e))
        stems.append([stem(w) for w in words if w not in STOPWORDS])
    return _matrix(spans, stems)


def _stems_prepared(p: "Prepared") -> _Sentences | None:
    """:func:`_stems_of` from a prepared text: the same sentences (``Prepared.raw_sents`` when it has them) and
    the same words, unless a word runs over a sentence's end (then None)."""
    from ..tokens import STOPWORDS, sentences

    raw = p.raw_sents if p.raw_sents is not None else sentences(p.text)
    starts = p.word_spans[:, 0]
    lo = np.searchsorted(starts, [s for s, _ in raw])
    hi = np.searchsorted(starts, [e for _, e in raw])
    last = np.maximum(hi - 1, 0)
    ends = np.asarray([e for _, e in raw], dtype=np.int64)
    if len(starts) and len(raw) and bool(((hi > lo) & (p.word_spans[last, 1] > ends)).any()):
        return None  # a word runs over a sentence end: the text's own scan cuts it there
    n = len(p.word_norm)
    if not raw or lo[0] != 0 or hi[-1] != n or (lo[1:] != hi[:-1]).any():  # (else the sentences hold every word)
        keep = list(map(operator.not_, map(STOPWORDS.__contains__, p.word_norm)))
        stems = p.word_stem
        return _matrix(raw, [list(compress(stems[a:b], keep[a:b])) for a, b in zip(lo.tolist(), hi.tolist())])
    # every word in one sentence, in order: the matrix straight from the words kept. Those are the content words
    # of the prepared text (whose stems ``vocab_index`` numbers and ``term_ids`` lists, when its own sentences
    # hold every content word) and the odd one-letter word that is no stopword ("J", "x"); the columns follow
    # that numbering (any order of columns gives the same counts). Building the index from the words instead
    # took 0.10 of this function's 0.18 ms per text on the bench/pairs.py texts; now 0.20 -> 0.09 ms per text
    # alone, and pair_facts 1.0 -> 0.78 ms per pair inside the bench/pairs.py run.
    content = p.content
    ids = p.term_ids
    if len(ids) != int(np.count_nonzero(content)):  # a content word outside the prepared text's sentences
        return _kept_matrix(p, raw, lo, hi)
    norms = p.word_norm
    short = np.flatnonzero(p.word_spans[:, 1] - p.word_spans[:, 0] == 1).tolist()  # (a longer word is content
    odd = [k for k in short if not content[k] and norms[k] not in STOPWORDS]  # unless it is a stopword)
    sent = np.repeat(np.arange(len(raw)), hi - lo)
    index = p.vocab_index
    if not odd:
        sent, cols = sent[content], ids
    else:
        index = dict(index)
        col = np.full(n, -1, dtype=np.int64)
        col[content] = ids
        for k in odd:
            col[k] = index.setdefault(p.word_stem[k], len(index))
        keep = col >= 0
        sent, cols = sent[keep], col[keep]
    has = np.zeros((len(raw), len(index)), dtype=bool)
    has[sent, cols] = True
    return _Sentences(tuple(raw), index, has, has.sum(axis=1))


def _kept_matrix(p: "Prepared", raw: Sequence[tuple[int, int]], lo: np.ndarray, hi: np.ndarray) -> _Sentences:
    """The matrix of :func:`_stems_prepared` when the sentences hold every word, indexed by the words kept."""
    from ..tokens import STOPWORDS

    keep = list(map(operator.not_, map(STOPWORDS.__contains__, p.word_norm)))
    kept = list(compress(p.word_stem, keep))
    index = dict.fromkeys(kept)
    index = dict(zip(index, range(len(index))))
    sent = np.repeat(np.arange(len(raw)), hi - lo)[np.fromiter(keep, dtype=bool, count=len(keep))]
    has = np.zeros((len(raw), len(index)), dtype=bool)
    has[sent, np.fromiter(map(index.__getitem__, kept), dtype=np.int64, count=len(kept))] = True
    return _Sentences(tuple(raw), index, has, has.sum(axis=1))


def _shared_counts(sa: _Sentences, sb: _Sentences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stems each sentence pair shares (an (A, B) int matrix: a product of 0/1 matrices over the stems both texts
    use; float32 sums of small integers are exact), and the columns of those stems in A and in B."""
    both = list(sa.index.keys() & sb.index.keys())
    ia = np.fromiter(map(sa.index.__getitem__, both), dtype=np.int64, count=len(both))
    ib = np.fromiter(map(sb.index.__getitem__, both), dtype=np.int64, count=len(both))
    counts = sa.has[:, ia].astype(np.float32) @ sb.has[:, ib].astype(np.float32).T
    return counts.astype(np.int64), ia, ib


def _match(sa: _Sentences, sb: _Sentences, counts: np.ndarray) -> tuple[tuple[tuple[int, ...], ...], np.ndarray]:
    """:func:`match_sentences` from :func:`_shared_counts`, and which sentence pairs match."""
    ok = (counts >= SENTENCE_MIN_SHARED) & (counts >= SENTENCE_MIN_COVER * np.minimum(sa.size[:, None],
                                                                                       sb.size[None, :]))
    out = []
    for i, j in np.argwhere(ok).tolist():  # by A's sentence, then B's
        n, la, lb = int(counts[i, j]), int(sa.size[i]), int(sb.size[j])
        trim = 1 if n == lb < la else -1 if n == la < lb else 0  # B's stems a proper subset of A's, or A's of B's
        out.append((*sa.spans[i], *sb.spans[j], round(n / max(la, lb), 3), trim))
    return tuple(out), ok


def match_sentences(a: str, b: str) -> tuple[tuple[int, ...], ...]:
    """Sentence pairs ``(a_start, a_end, b_start, b_end, similarity, trim)`` that say the same, by content-stem
    overlap; many-to-many (see :data:`~newstrace.provenance.model.SentencePair`)."""
    sa, sb = _sentence_stems(a), _sentence_stems(b)
    return _match(sa, sb, _shared_counts(sa, sb)[0])[0]


# A sentence one article has and the other lacks is *kin* of the shared text (the story's own material, as a
# source's sentences that a copy dropped are) when at least KIN_SHARE of its content stems occur in the shared
# sentences, and it shares less than KIN_NEAR of the shorter stem set with every unshared sentence of the other
# article (else it is a rewrite the sentence matcher missed, which both sides hold). Sentences with fewer than
# KIN_MIN_STEMS content stems are too short to tell. 0.3 / 0.5 were read off dev seeds 500 and 501 (120 stories):
# a source's dropped sentences score 0.3-0.6, a copier's own paragraphs on another story of the same campaign
# mostly under 0.3; 0.25 and 0.4 separated source from copy less well (counts, not the figures, were compared).
KIN_SHARE = 0.3
KIN_NEAR = 0.5
KIN_MIN_STEMS = 4


def _overlapping(s: _Sentences, spans: list[tuple[int, int]]) -> np.ndarray:
    """Which sentences overlap one of ``spans``."""
    if not spans or not s.spans:
        return np.zeros(len(s.spans), dtype=bool)
    sp = np.asarray(spans, dtype=np.int64)
    se = np.asarray(s.spans, dtype=np.int64)
    return ((se[:, :1] < sp[None, :, 1]) & (sp[None, :, 0] < se[:, 1:])).any(axis=1)


def _kin(sa: _Sentences, sb: _Sentences, in_a: np.ndarray, in_b: np.ndarray, counts: np.ndarray, ia: np.ndarray,
         ib: np.ndarray) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """:func:`kin_sentences` with the shared sentences of A and of B (``in_a``, ``in_b``) and
    :func:`_shared_counts` known. The stems of the shared text are those of the shared sentences of both."""
    vocab_a, vocab_b = sa.has[in_a].any(axis=0), sb.has[in_b].any(axis=0)
    if not (vocab_a.any() or vocab_b.any()):
        return (), ()
    story_a, story_b = vocab_a.copy(), vocab_b.copy()  # the shared text's stems, in each text's columns
    story_a[ia] |= vocab_b[ib]
    story_b[ib] |= vocab_a[ia]
    un_a = np.flatnonzero(~in_a & (sa.size >= KIN_MIN_STEMS))
    un_b = np.flatnonzero(~in_b & (sb.size >= KIN_MIN_STEMS))
    near = counts[np.ix_(un_a, un_b)] >= KIN_NEAR * np.minimum(sa.size[un_a][:, None], sb.size[un_b][None, :])

    def kin(s: _Sentences, story: np.ndarray, own: np.ndarray, near: np.ndarray) -> tuple[tuple[int, int], ...]:
        inside = s.has[own].astype(np.int64) @ story.astype(np.int64)
        keep = (inside >= KIN_SHARE * s.size[own]) & ~near.any(axis=1)
        return tuple(s.spans[k] for k in own[keep].tolist())

    return kin(sa, story_a, un_a, near), kin(sb, story_b, un_b, near.T)


def kin_sentences(a: str, b: str, sentences: Sequence[tuple[int, ...]]
                  ) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Spans of the sentences of A and of B outside the matched ``sentences`` that are kin of the shared text
    (see :data:`KIN_SHARE`): a source keeps the story's material its copy dropped, a copier adds its own.

    >>> a = "Smith won the vote in Ohio. Smith thanked Ohio and its farmers."
    >>> kin_sentences(a, "Smith won the vote in Ohio. A storm closed schools in Kent.", ((0, 27, 0, 27),))
    (((28, 63),), ())
    """
    sa, sb = _sentence_stems(a), _sentence_stems(b)
    counts, ia, ib = _shared_counts(sa, sb)
    return _kin(sa, sb, _overlapping(sa, [(p[0], p[1]) for p in sentences]),
                _overlapping(sb, [(p[2], p[3]) for p in sentences]), counts, ia, ib)


def _sentence_facts(a: str, b: str) -> tuple[tuple[tuple[int, ...], ...], tuple, tuple]:
    """``match_sentences(a, b)`` and ``kin_sentences(a, b, <those>)``, sharing their work: the sentences the
    matches hold are the shared ones (a text's sentences do not overlap one another)."""
    sa, sb = _sentence_stems(a), _sentence_stems(b)
    counts, ia, ib = _shared_counts(sa, sb)
    sents, ok = _match(sa, sb, counts)
    return (sents, *_kin(sa, sb, ok.any(axis=1), ok.any(axis=0), counts, ia, ib))


_BREAK = re.compile(r"\s*\n\s*")


def paragraph_breaks(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` of each run of whitespace that holds a line break: the paragraph boundaries of ``text``.

    >>> paragraph_breaks("One. Two.\\n\\nThree.")
    ((9, 11),)
    """
    if "\n" not in text:  # (every break holds one)
        return ()
    return tuple((m.start(), m.end()) for m in _BREAK.finditer(text))


# A dateline opens the body; a headline and a byline before it rarely run past this many characters.
DATELINE_OPENING = 300


def article_facts(article: "Article", *, table: object | None = None, quotes: list | None = None,
                  credits: list | None = None) -> ArticleFacts:
    """The :class:`ArticleFacts` of an article, with its credits and quotations found by :mod:`newstrace.quotes`
    (``quotes`` / ``credits``: found already, to reuse that work)."""
    from ..quotes import credits as find_credits, default_table, quotes as find_quotes
    from ..quotes.match import quote_units

    tab = table or default_table()
    found = credits if credits is not None else find_credits(article, tab)
    # A dateline credits the article only where it opens the text; "WASHINGTON (AP) —" further down opens a text
    # pasted in (a roundup, or a copier's own material taken from elsewhere) and says nothing of this one's source.
    found = [c for c in found if c.kind != "dateline" or c.span.start <= DATELINE_OPENING]
    units = quote_units(article.text, quotes if quotes is not None else find_quotes(article))
    names = {c.outlet for c in found}
    return ArticleFacts(
        id=article.id, length=len(article.text),
        outlet=tab.canonical(article.outlet) if article.outlet else None, published=article.published,
        credits=tuple(dict.fromkeys(c.outlet for c in found if c.kind != "dateline")),
        datelines=tuple(dict.fromkeys(c.outlet for c in found if c.kind == "dateline")),
        quotes=tuple((u.span.start, u.span.end) for u in units),
        agencies=frozenset(n for n in names if tab.kinds.get(n) == "agency"),
        credit_spans=tuple((c.outlet, c.span.start, c.span.end) for c in found))


# An opening quotation mark: a curly one, or a straight one after a space (a closing one follows a word).
_OPENING = re.compile(r'“|(?<=\s)"(?=\w)')


def _runs_on(text: str, start: int, end: int) -> bool:
    """Whether a quotation span holds a second opening mark after its first: two quotations run together (an
    unclosed quotation, as a multi-paragraph one whose closing paragraph was dropped, runs on into the next).

    >>> _runs_on('"Where were we? "I did help them."', 0, 34), _runs_on('"I did help them."', 0, 18)
    (True, False)
    """
    return _OPENING.search(text, start + 1, end) is not None


def pair_facts(a: "Article", b: "Article", *, quotes_a: list | None = None, quotes_b: list | None = None,
               matches: list | None = None, alignment: list | None = None,
               prepared: "tuple[Prepared, Prepared] | None" = None) -> PairFacts:
    """The :class:`PairFacts` of two articles: alignment passages and matched quotations (``quotes_a`` /
    ``quotes_b``: each article's quotations, or ``matches``: ``match_quotes(a, b, ...)``, ``alignment``:
    ``align_texts(a.text, b.text)``, and ``prepared``: :func:`newstrace.align.prepare` of both texts, to reuse
    that work)."""
    from ..align import align_texts
    from ..quotes import match_quotes
    from ..quotes.match import _norm, _WORD

    passages = tuple((p.a_start, p.a_end, p.b_start, p.b_end, str(p.kind), float(p.similarity))
                     for p in (alignment if alignment is not None else align_texts(a.text, b.text)))
    facts = []
    for m in matches if matches is not None else match_quotes(a, b, quotes_a, quotes_b):
        wa = [_norm(w) for w in _WORD.findall(a.text, m.a_span.start, m.a_span.end)]
        wb = [_norm(w) for w in _WORD.findall(b.text, m.b_span.start, m.b_span.end)]
        rel = quote_relation(wa, wb, fallback=m.match)
        if rel in ("altered", "spliced") and _word_ratio(wa, wb) < ALTERED_MIN_RATIO:
            continue  # a few common words in two different quotations
        if rel in ("truncated", "extended", "overlap") and (
                _runs_on(a.text, m.a_span.start, m.a_span.end) or _runs_on(b.text, m.b_span.start, m.b_span.end)):
            rel = "altered"  # the longer side ran two quotations together: its extra words are another quotation's
        facts.append(QuoteFact(m.a_span.start, m.a_span.end, m.b_span.start, m.b_span.end, rel,  # type: ignore
                               m.b.name or m.a.name))
    if prepared is not None:  # the sentence stems from the prepared texts (match_sentences then finds them)
        _sentence_stems(a.text, prepared[0])
        _sentence_stems(b.text, prepared[1])
    sents, kin_a, kin_b = _sentence_facts(a.text, b.text)
    return PairFacts(passages=passages, quotes=tuple(facts), sentences=sents, breaks_a=paragraph_breaks(a.text),
                     breaks_b=paragraph_breaks(b.text), kin_a=kin_a, kin_b=kin_b)


def link(a: "Article", b: "Article", *, facts_a: ArticleFacts | None = None, facts_b: ArticleFacts | None = None,
         pair: PairFacts | None = None, settings: ProvenanceSettings = DEFAULT_PROVENANCE) -> Link:
    """The provenance :class:`Link` of two articles (facts computed unless given; pass them to reuse work)."""
    return decide(facts_a or article_facts(a), facts_b or article_facts(b), pair or pair_facts(a, b),
                  settings=settings)

