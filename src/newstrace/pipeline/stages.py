"""The stage functions: pure over batches (values in, rows out), no I/O, so any engine can run them.

Each returns plain tuples in the column order of the table it feeds (see :mod:`newstrace.pipeline`).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

import numpy as np

from ..model import Article, Span
from ..quotes import Quote
from . import codec

if TYPE_CHECKING:
    from ..align.prep import Prepared
    from ..provenance import ArticleFacts
    from ..stories import StoryClusterer

__all__ = ["ArticleRows", "PairRows", "article_stage", "article_stage_safe", "candidate_stage", "cluster_stories",
           "fingerprint_stage", "pair_key", "pair_stage", "pair_stage_safe", "provenance_stage", "story_stage"]


def pair_key(a_id: str, b_id: str) -> str:
    """The ``stage_done`` unit of a pair."""
    return f"{a_id}\t{b_id}"


def fingerprint_stage(texts: Sequence[str], threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Postings of a batch: ``(doc, hash)`` with ``doc`` the index into ``texts`` (rare n-grams are chosen later,
    over the whole corpus). ``threads``: for its sub-batches (one on a Spark executor's task; the local engine's
    step runs alone and takes all cores: 2.5 -> 1.3 s per 20,000 bench/scale.py articles on two). The same
    postings whatever the number."""
    from ..fingerprint import postings

    p = postings(texts, threads=threads)
    return p.doc, p.hash


def candidate_stage(ids: Sequence[str], doc: np.ndarray, hash: np.ndarray, *, con: object = None
                    ) -> list[tuple[str, str, int, float]]:
    """Candidate pairs of the whole corpus from its postings (``doc`` indexes ``ids``), ``a_id < b_id``."""
    from ..candidates import candidate_pairs
    from ..fingerprint import Postings

    c = candidate_pairs(Postings(doc, hash, len(ids)), con=con)
    out = []
    for a, b, n, cont in zip(c.a.tolist(), c.b.tolist(), c.shared.tolist(), c.containment.tolist()):
        x, y = sorted((ids[a], ids[b]))
        out.append((x, y, int(n), float(cont)))
    return sorted(out)


def _span_cols(a: Article, s: Span | None) -> list:
    return [None, None, None] if s is None else [a.text[s.start:s.end], s.start, s.end]


@dataclass
class ArticleRows:
    """What the article stage found in one article: rows of ``quotes``, ``credits`` and ``article_facts``."""

    id: str
    quotes: list[tuple] = field(default_factory=list)
    credits: list[tuple] = field(default_factory=list)
    facts: tuple = ()
    errors: list[tuple] = field(default_factory=list)  # rows of ``stage_errors``


def article_stage(a: Article) -> ArticleRows:
    """Quotations, credits, provenance facts and story features of one article."""
    from ..provenance import article_facts
    from ..quotes import credits, quotes
    from ..stories import article_story_features

    out = ArticleRows(a.id)
    found_quotes, found_credits = quotes(a), credits(a)  # found once, for the rows and the facts
    for i, q in enumerate(found_quotes):
        sp = _span_cols(a, q.speaker)
        src = a.span_to_source(q.content.start, q.content.end)
        adr = None if q.addressee is None else codec.dump(
            {"text": a.text[q.addressee.start:q.addressee.end], "start": q.addressee.start, "end": q.addressee.end})
        out.quotes.append((a.id, i, q.kind, *sp, q.name, q.role, *_span_cols(a, q.cue),
                           *_span_cols(a, q.content), *src, adr, codec.quote_to(q)))
    for i, c in enumerate(found_credits):
        src = a.span_to_source(c.span.start, c.span.end)
        out.credits.append((a.id, i, c.outlet, c.kind, a.text[c.span.start:c.span.end], c.span.start, c.span.end,
                            *src))
    facts = article_facts(a, quotes=found_quotes, credits=found_credits)
    out.facts = (a.id, codec.facts_to(facts), codec.features_to(article_story_features(a)))
    return out


def _index(quotes: list[Quote], q: Quote) -> int | None:
    """The position of ``q`` in ``quotes`` (the ``quotes.idx`` it is stored under), or None."""
    for i, x in enumerate(quotes):
        if x is q:
            return i
    return quotes.index(q) if q in quotes else None


def article_stage_safe(a: Article) -> ArticleRows:
    """:func:`article_stage`, or, when it raises, the article with no quotations or credits and the error noted
    (one odd article must not stop a corpus run; ``stage_errors`` lists it)."""
    from ..provenance import ArticleFacts
    from ..stories import StoryFeatures, article_story_features

    try:
        return article_stage(a)
    except Exception as e:  # noqa: BLE001 (recorded, not hidden)
        err = ("article", a.id, f"{type(e).__name__}: {e}")
    try:
        feats = article_story_features(a)
    except Exception:  # noqa: BLE001
        feats = StoryFeatures(a.id, {}, {})
    facts = ArticleFacts(a.id, length=len(a.text), published=a.published)
    return ArticleRows(a.id, facts=(a.id, codec.facts_to(facts), codec.features_to(feats)), errors=[err])


@dataclass
class PairRows:
    """What the pair stage found for one candidate pair (each list may be empty)."""

    a_id: str
    b_id: str
    reuse: list[tuple] = field(default_factory=list)
    passages: list[tuple] = field(default_factory=list)
    quote_matches: list[tuple] = field(default_factory=list)
    pair_links: list[tuple] = field(default_factory=list)
    errors: list[tuple] = field(default_factory=list)  # rows of ``stage_errors``


# The latest prepared texts, by article id and text: a wave lists pairs sorted by their first article, so
# consecutive pairs often share it and its preparation (~1 ms for 2,000 characters) is done once; an article also
# comes back as the second of pairs a few hundred texts later. A prepared text holds ~100 KiB once a pair has
# used it (its cache of n-grams, word starts and sentence stems included), so 384 texts hold about 38 MiB. On the
# bench/pairs.py workload (one of two workers' pairs) 128 texts prepared 2,771 of the 2,026 distinct texts, 256
# 2,733, 320 2,116, 384 2,107, 512 2,097: the returns sit 256-320 texts apart, and 384 leaves room. 128 -> 384
# took the pair stage from 6.33 to 5.45 ms per pair there (medians of 6 alternating passes in one process; this
# includes the sentence stems of pair_facts, kept with the prepared text).
_PREPARED: "OrderedDict[tuple[str, str], Prepared]" = OrderedDict()
_PREPARED_MAX = 384


def _latest(cache: OrderedDict, key: Any, make: Callable[[], Any], limit: int) -> Any:
    """``cache[key]``, made by ``make()`` when missing; ``cache`` keeps the ``limit`` latest keys used."""
    got = cache.get(key)
    if got is None:
        got = cache[key] = make()
        if len(cache) > limit:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return got


def prepared(a: Article) -> "Prepared":
    """:func:`newstrace.align.prepare` of ``a.text``, from a small cache of the latest articles."""
    from ..align import prepare

    return _latest(_PREPARED, (a.id, a.text), lambda: prepare(a.text), _PREPARED_MAX)


# Article facts decoded from their JSON, by the JSON (an ArticleFacts is immutable): an article comes back in
# the pairs of a wave as its prepared text does (_PREPARED); decoding costs ~11 us per call on the bench/pairs.py
# facts, two per linked pair (~0.02 of 5-6 ms per pair).
_FACTS: "OrderedDict[str, ArticleFacts]" = OrderedDict()
_FACTS_MAX = 384


def _facts(s: str) -> "ArticleFacts":
    """:func:`codec.facts_from` of ``s``, from :data:`_FACTS` when there."""
    return _latest(_FACTS, s, lambda: codec.facts_from(s), _FACTS_MAX)


# Quotations decoded from their stored JSON, by the JSON strings of one article: the pair stage received every
# quotation of both articles as JSON per pair, and decoding them (~11 us each, 15 per bench pair) came to about a
# twentieth of a pair's time; an article comes back in the pairs of a wave as its prepared text does. A Quote is
# immutable; each call returns a list of its own.
_QUOTES: "OrderedDict[tuple[str, ...], tuple[Quote, ...]]" = OrderedDict()
_QUOTES_MAX = 384


def decoded_quotes(encoded: Iterable[str] | None) -> list[Quote]:
    """:func:`codec.quote_from` of each string of ``encoded`` (None: none), from :data:`_QUOTES` when there."""
    key = tuple(encoded or ())
    if not key:
        return []
    return list(_latest(_QUOTES, key, lambda: tuple(codec.quote_from(q) for q in key), _QUOTES_MAX))


def _clear_quote_units() -> None:
    from ..quotes import match

    match._UNITS.clear()


# What empties the caches the pair stage's helpers keep across pairs besides _PREPARED and the lru caches
# (bench/pairs.py calls each before its timed pass, so that pass starts cold).
_CACHES = (_clear_quote_units, _FACTS.clear, _QUOTES.clear)


def pair_stage(a: Article, b: Article, quotes_a: list[Quote], quotes_b: list[Quote], facts_a: str, facts_b: str
               ) -> PairRows:
    """Reuse passages, matched quotations and the pairwise provenance link of one pair (``a.id < b.id``)."""
    from ..align import DEFAULTS, align
    from ..align.pipeline import candidates
    from ..align.seeds import sentence_similarity
    from ..align.segments import segments
    from ..provenance import decide, pair_facts
    from ..quotes import match_quotes
    from ..reuse import Reuse

    out = PairRows(a.id, b.id)
    pa, pb = prepared(a), prepared(b)  # each text prepared once for both alignments (and cached, see prepared)
    sim = sentence_similarity(pa, pb) if pa.n_sents and pb.n_sents else None
    cands = candidates(pa, pb, DEFAULTS, sim=sim) if sim is not None else []  # shared by both alignments
    r = Reuse(a, b, tuple(segments(pa, pb, DEFAULTS, sim=sim, cands=cands)))  # compare(a, b, full=False)
    for i, p in enumerate(r.passages):
        out.passages.append((a.id, b.id, i, p.a_start, p.a_end, p.b_start, p.b_end, str(p.kind),
                             float(p.similarity), *a.span_to_source(p.a_start, p.a_end),
                             *b.span_to_source(p.b_start, p.b_end)))
    if r.passages:
        out.reuse.append((a.id, b.id, r.a_share, r.b_share, len(r.passages)))
    seen = set()
    matches = match_quotes(a, b, quotes_a, quotes_b) if quotes_a and quotes_b else []  # none without both
    for m in matches:
        key = (_index(quotes_a, m.a), _index(quotes_b, m.b))
        if None not in key and key not in seen:  # one row per quotation pair (the first, best match)
            seen.add(key)
            out.quote_matches.append((a.id, key[0], b.id, key[1], m.match, codec.dump(list(m.diff)),
                                      bool(m.misattributed)))
    alignment = align(pa, pb, DEFAULTS, cands=cands) if cands else []
    if not alignment and not matches:  # the facts would hold no passage and no quotation: no link
        return out
    pf = pair_facts(a, b, matches=matches, alignment=alignment, prepared=(pa, pb))
    if pf.passages or pf.quotes:
        lk = decide(_facts(facts_a), _facts(facts_b), pf)
        out.pair_links.append((a.id, b.id, codec.link_to(lk), codec.pair_to(pf)))
    return out


def pair_stage_safe(a: Article, b: Article, quotes_a: list[Quote], quotes_b: list[Quote], facts_a: str,
                    facts_b: str) -> PairRows:
    """:func:`pair_stage`, or, when it raises, no rows for the pair and the error noted."""
    try:
        return pair_stage(a, b, quotes_a, quotes_b, facts_a, facts_b)
    except Exception as e:  # noqa: BLE001 (recorded, not hidden)
        return PairRows(a.id, b.id, errors=[("pair", pair_key(a.id, b.id), f"{type(e).__name__}: {e}")])


def provenance_stage(pair_links: Iterable[tuple[str, str, str, str]]) -> list[tuple]:
    """Rows of ``links``: every pairwise link, relabelled ``common-source`` where the corpus shows a shared source."""
    from ..provenance import resolve_in_corpus

    rows = sorted(pair_links)
    links = [codec.link_from(r[2]) for r in rows]
    pairs = {(r[0], r[1]): codec.pair_from(r[3]) for r in rows}
    out = []
    for lk in resolve_in_corpus(links, pairs):
        out.append((lk.a, lk.b, lk.source, lk.derived, lk.direction, lk.confidence, lk.credited, lk.churn,
                    lk.common_source, codec.dump([e.to_json() for e in lk.evidence]),
                    codec.dump([list(x) for x in lk.untaken]), codec.dump([list(x) for x in lk.fresh_quotes])))
    return out


def story_stage(features: Iterable[str]) -> list[tuple[str, str, int]]:
    """Rows of ``stories`` (story_id, article_id, position) from story features JSON in arrival order."""
    return cluster_stories(features)[0]


def cluster_stories(features: Iterable[str], clusterer: "StoryClusterer | None" = None
                    ) -> tuple[list[tuple[str, str, int]], "StoryClusterer"]:
    """:func:`story_stage` continuing ``clusterer`` (None: a new one); returns the rows and the clusterer."""
    from ..stories import StoryClusterer

    c = clusterer or StoryClusterer()
    c.extend(codec.features_from(f) for f in features)
    rows = [(sid, aid, i) for sid, members in c.stories().items() for i, aid in enumerate(members)]
    return rows, c
