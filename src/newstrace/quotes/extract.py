"""Attributions in one article: tag Source/Cue/Content spans, link them, resolve speakers, find addressees.

The cascade: (1) the CRF tagger (:mod:`.tagger`) marks role spans; (2) quoted passages the tagger missed
but that a reporting verb next to them claims ("X," Y said) are added by rule; (3) spans are linked into
attributions by proximity within a paragraph; (4) speakers are resolved (:mod:`.speakers`), kinds set from
quote marks, and addressees or media ("told CNN", "in a letter to X", "on Twitter") read off the sentence.
"""

from __future__ import annotations

import bisect
import re

from ..model import Article, Span
from ..tokens import sentences
from .marks import QuoteRegion, quote_regions
from .model import Quote, QuoteKind
from .speakers import PERSONAL_PRONOUNS, name_mentions, resolve_name, role_of
from .tagger import RoleSpan, tag_spans

__all__ = ["extract_quotes", "link"]

# Linking: a Cue takes Content and Source spans at most this many characters away, in the same paragraph
# (PolNeAR train: 97% of linked parts lie within 150 characters of their cue).
MAX_GAP = 150
# A content before its cue ("...," he said) is as good as one after it only when the gap is this much smaller.
BEFORE_PENALTY = 2

_SPEAKER_RULE = re.compile(
    r"^[\s,]*((?:[A-Z][\w’'.\-]*\s+){0,3}(?:he|she|they|[A-Z][\w’'.\-]*))\s+"
    r"(said|says|added|wrote|told|asked|declared|stated|explained|continued|tweeted|noted)\b")
_SPEAKER_RULE_INV = re.compile(r"^[\s,]*(said|says|added|wrote|told|asked)\s+((?:[A-Z][\w’'.\-]*\s?){1,4})")


def _gap(a: tuple[int, int], b: tuple[int, int], text: str) -> float:
    """Characters between two spans, or infinity across a paragraph break."""
    lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
    if hi < lo:
        return 0.0
    return float("inf") if "\n" in text[lo:hi] else float(hi - lo)


def link(text: str, spans: list[RoleSpan]) -> list[dict[str, tuple[int, int]]]:
    """Group role spans into attributions ``{"Cue": (s, e), "Source": ..., "Content": ...}`` by proximity."""
    cues = [(s, e) for r, s, e in spans if r == "Cue"]
    atts: list[dict[str, tuple[int, int]]] = [{"Cue": c} for c in cues]
    for role in ("Content", "Source"):
        items = [(s, e) for r, s, e in spans if r == role]
        pairs = []
        for ci, c in enumerate(cues):
            for ii, it in enumerate(items):
                g = _gap(c, it, text)
                if g <= MAX_GAP:
                    before = it[1] <= c[0]
                    prefer_before = role == "Source"
                    pen = 0 if before == prefer_before else BEFORE_PENALTY * 10
                    pairs.append((g + pen, ci, ii))
        pairs.sort()
        used_c: set[int] = set()
        used_i: set[int] = set()
        for _, ci, ii in pairs:
            if ci not in used_c and (ii not in used_i or role == "Source"):
                atts[ci][role] = items[ii]
                used_c.add(ci)
                used_i.add(ii)
        if role == "Content":
            atts += [{"Content": it} for ii, it in enumerate(items) if ii not in used_i]
    return sorted(atts, key=lambda a: min(v[0] for v in a.values()))


def _rule_spans(text: str, spans: list[RoleSpan], regions: list[QuoteRegion]) -> list[RoleSpan]:
    """Quoted passages the tagger left out, claimed by an adjacent 'X said' or 'said X'."""
    covered = [(s, e) for r, s, e in spans]
    out: list[RoleSpan] = []
    for q in regions:
        if q.depth != 1 or len(text[q.start : q.end].split()) < 4:
            continue
        if any(s < q.end and q.start < e for s, e in covered):
            continue
        tail = text[q.end : q.end + 80]
        m = _SPEAKER_RULE.match(tail)
        if m:
            so = q.end + m.start(1)
            out += [("Content", q.start, q.end), ("Source", so, so + len(m.group(1))),
                    ("Cue", q.end + m.start(2), q.end + m.end(2))]
            continue
        m = _SPEAKER_RULE_INV.match(tail)
        if m:
            src = m.group(2).rstrip()
            out += [("Content", q.start, q.end), ("Cue", q.end + m.start(1), q.end + m.end(1)),
                    ("Source", q.end + m.start(2), q.end + m.start(2) + len(src))]
    return out


def _kind(content: tuple[int, int], depth_of: list[QuoteRegion], text: str) -> QuoteKind:
    s, e = content
    inside = total = 0
    for i in range(s, e):
        if not text[i].isspace():
            total += 1
            inside += any(r.start <= i < r.end for r in depth_of)
    if total and inside >= 0.9 * total:
        return "direct"
    return "indirect" if inside == 0 else "mixed"


_ADDRESSEE = [
    re.compile(r"\b(?:told|tells|telling|tell|informed|assured|wrote to|said to|spoke to)\s+"
               r"((?:the\s+)?(?:[A-Z][\w’'.\-]*(?:\s+(?:[A-Z][\w’'.\-]*|of|the|for))*|reporters|journalists))"),
    re.compile(r"\b(?:letter|message|statement|note|email|call|interview|conversation)\s+(?:to|with)\s+"
               r"((?:the\s+)?[A-Z][\w’'.\-]*(?:\s+(?:[A-Z][\w’'.\-]*|al-\w+))*)"),
    re.compile(r"\bon\s+(Twitter|Facebook|Instagram|X|Telegram|YouTube|television|TV|radio)\b"),
    re.compile(r"\bin\s+((?:a|an|the)\s+(?:letter|statement|interview|speech|tweet|post|op-ed|email))\b"),
]


def _addressee(text: str, cue: tuple[int, int]) -> Span | None:
    lo = max(text.rfind("\n", 0, cue[0]) + 1, cue[0] - 200)
    hi_nl = text.find("\n", cue[1])
    hi = min(cue[1] + 200, hi_nl if hi_nl >= 0 else len(text))
    window = text[lo:hi]
    for rx in _ADDRESSEE:
        best = None
        for m in rx.finditer(window):
            d = abs(lo + m.start() - cue[0])
            if best is None or d < best[0]:
                best = (d, m)
        if best is not None:
            m = best[1]
            s, e = lo + m.start(1), lo + m.end(1)
            while e > s and text[e - 1] in " ,.":
                e -= 1
            for w in (" of", " the", " for"):
                if text[s:e].endswith(w):
                    e -= len(w)
            return Span(s, e)
    return None


def extract_quotes(article: Article | str) -> list[Quote]:
    """Every attribution in the article, in text order. Spans are offsets into the article's text."""
    text = article.text if isinstance(article, Article) else article
    regions = quote_regions(text)
    spans = tag_spans(text)
    spans = sorted(spans + _rule_spans(text, spans, regions), key=lambda x: x[1])
    outer = [r for r in regions if r.depth == 1]
    mentions = name_mentions(text)
    history: list[tuple[int, str, str | None]] = []
    quotes: list[Quote] = []
    sents = sentences(text)
    for att in link(text, spans):
        if "Content" not in att:
            continue
        c = att["Content"]
        sp, cue = att.get("Source"), att.get("Cue")
        if sp is None and cue is not None and quotes and quotes[-1].speaker is not None:
            prev = quotes[-1].speaker
            if _sentence_of(sents, prev.start) == _sentence_of(sents, cue[0]):
                sp = (prev.start, prev.end)  # "..., saying": the subject of the main clause speaks
        name = role = None
        if sp is not None:
            name = resolve_name(text, sp, mentions, history)
            if name is not None:
                role = role_of(text, name, mentions)
                if text[sp[0] : sp[1]].lower() not in PERSONAL_PRONOUNS or role:
                    history.append((sp[0], name, role))
        pieces = _pieces(c, [v for k, v in att.items() if k != "Content"])
        quotes.append(Quote(content=Span(*c), kind=_kind(c, outer, text),
                            speaker=Span(*sp) if sp else None, cue=Span(*cue) if cue else None,
                            addressee=_addressee(text, cue) if cue else None, name=name, role=role,
                            pieces=pieces))
    return quotes


def _sentence_of(sents: list[tuple[int, int]], pos: int) -> int:
    return bisect.bisect_right([a for a, _ in sents], pos)


def _pieces(content: tuple[int, int], inner: list[tuple[int, int]]) -> tuple[Span, ...]:
    """The content without the source and cue spans that interrupt it."""
    cuts = sorted(x for x in inner if content[0] < x[0] and x[1] < content[1])
    if not cuts:
        return ()
    out, pos = [], content[0]
    for s, e in cuts:
        if s > pos:
            out.append(Span(pos, s))
        pos = e
    out.append(Span(pos, content[1]))
    return tuple(out)
