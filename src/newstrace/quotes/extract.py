"""Attributions in one article: tag Source/Cue/Content spans, link them, resolve speakers, find addressees.

The cascade: (1) the CRF tagger (:mod:`.tagger`) marks role spans; (2) quoted passages the tagger missed
but that a reporting verb next to them claims ("X," Y said) are added by rule; (3) spans are linked into
attributions by proximity within a paragraph; (4) speakers are resolved (:mod:`.speakers`), kinds set from
quote marks, and addressees or media ("told CNN", "in a letter to X", "on Twitter") read off the sentence.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..model import Article, Span
from .features import sentence_spans
from .marks import QuoteRegion, depth_array, quote_regions
from .model import Quote, QuoteKind
from .speakers import PERSONAL_PRONOUNS, name_mentions, resolve_name, role_of, surname_table
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


# Linking (each rule kept for a gain on a 10% holdout of PolNeAR train): a quote right before '," he said' goes to
# that cue whatever lies after it; a content and a cue with a sentence end between them (and no colon introducing
# the content) are less likely to belong together: this many characters are added to their gap.
SENT_PENALTY = 40
_SENT_BREAK = re.compile(r"[.!?][\"”’']?\s")


def _gap(a: tuple[int, int], b: tuple[int, int], text: str) -> float:
    """Characters between two spans, or infinity across a paragraph break."""
    lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
    if hi < lo:
        return 0.0
    if hi - lo > MAX_GAP:
        return float(hi - lo)
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
                if it[0] > c[1] + MAX_GAP or it[1] < c[0] - MAX_GAP:
                    continue
                g = _gap(c, it, text)
                if g <= MAX_GAP:
                    before = it[1] <= c[0]
                    prefer_before = role == "Source"
                    pen = 0 if before == prefer_before else BEFORE_PENALTY * 10
                    if role == "Content":
                        between = text[it[1] : c[0]] if before else text[c[1] : it[0]]
                        if before and g <= 3 and text[it[1] - 1] in _CLOSERS + ",":
                            pen = 0  # '"...," he said' / '"...," said X'
                        elif _SENT_BREAK.search(between) and not between.rstrip().endswith(":"):
                            pen += SENT_PENALTY
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
            sents = sentence_spans(text)
            taken = [v for r, *v in spans if r != "Cue"]
            for att in atts:
                if "Content" not in att:
                    inferred = _infer_content(text, att["Cue"], sents, taken)
                    if inferred:
                        att["Content"] = inferred
    return sorted(atts, key=lambda a: min(v[0] for v in a.values()))


# An inferred content needs at least this many words (shorter leftovers are rarely what was said). On a 10%
# holdout of PolNeAR train 1 instead of 3 kept more right cues and sources but as many wrong contents: overlap
# F1 Source +0.4, Cue +0.6, Content -0.9 points (c2 0.1 weights); 3 kept for cleaner contents.
MIN_INFERRED_WORDS = 3


def _infer_content(text: str, cue: tuple[int, int], sents: Sequence[tuple[int, int]],
                   taken: list[list[int]]) -> tuple[int, int] | None:
    """For a cue the tagger gave no content: the rest of its sentence after it, else the part before it."""
    k = _sentence_of(sents, cue[0]) - 1
    if k < 0:
        return None
    ss, se = sents[k]
    for cs, ce in ((cue[1], se), (ss, cue[0])):
        for s, e in taken:  # stop at other spans (a Source after "said", another attribution)
            if cs <= s < ce and s > cs + 1:
                ce = s
            elif cs < e <= ce and e < ce - 1:
                cs = max(cs, e) if s < cs + 2 else cs
        cs, ce = _strip(text, cs, ce)
        if len(text[cs:ce].split()) >= MIN_INFERRED_WORDS:
            return cs, ce
    return None


def _rule_spans(text: str, spans: list[RoleSpan], regions: Sequence[QuoteRegion]) -> list[RoleSpan]:
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


# Words that open a clause, not a source: "that Ruiz said", "How Ryan sees it" (PolNeAR train leaves them out).
_LEAD_FUNCTION = re.compile(r"(?:that|how|which|when|but|and|as|so|while|because|if|although|though)\s+",
                            re.IGNORECASE)
_OPENERS = "“\"«„"
_CLOSERS = "”\"»"
_PREP = re.compile(r"^(?:(?:to|in|of|for|with|at|on|from|by|as)\s|(?:a|an|the)\s+\w+\s+(?:to|from|by|with)\s)"
                   r".*,\s+(?=(?:[A-Z][\w’'.\-]*\s*){1,4}$)", re.S)
_TRAILING_RELATIVE = re.compile(r",?\s+(?:who|which|that)\Z")
# r"\b[Aa]ccording to\b" opening with its first letter (the word boundary checked behind it), so that the regex
# engine skips to an "a" instead of trying at every position: the same matches, 50 -> 20 us an article.
_ACCORDING = re.compile(r"[Aa](?<!\w[Aa])ccording to\b")
# A closed appositive after a prepositional object describes that object, not a speaker: "wrote in a letter to
# Mohammed Deif, the supreme commander of the Brigades, to pledge ..." (a Source the tagger sometimes marks).
_OBJECT_BEFORE = re.compile(r"\b(?:to|with|for|from|of|by|against)\s+(?:[A-Z][\w’'.\-]*\s+){0,3}[A-Z][\w’'.\-]*,\s*$")
_DESCRIPTION = re.compile(r"(?:the|a|an)\s+[a-z]", re.IGNORECASE)


def _repair(text: str, spans: list[RoleSpan], regions: Sequence[QuoteRegion]) -> list[RoleSpan]:
    """Fix what the tagger gets wrong in well-known shapes.

    A Content holding '"A," Ortega added, "B."' gets its Source and Cue back; a Source that starts with a
    preposition clause ("to Premier Holt, Ortega") is cut to what follows the comma; an "according to X" cue
    without a neighbouring Content takes the rest of its sentence (before or after it) as Content.
    """
    out: list[RoleSpan] = []
    for role, s, e in spans:
        if role == "Source":
            if not any(ch.isalnum() for ch in text[s:e]):
                continue  # a lone comma or mark is no speaker
            m = _TRAILING_RELATIVE.search(text, s, e)
            if m and m.start() > s:
                e = m.start()  # "Democrats in Congress who": the relative pronoun opens the next clause
            m = _PREP.match(text[s:e])
            if m:
                s += m.end()
            m = _LEAD_FUNCTION.match(text[s:e])
            if m and m.end() < e - s:
                s += m.end()
            while e > s and text[e - 1] in ":;":
                e -= 1
            if ", " in text[s:e] and text[e : e + 1] == ",":
                e += 1  # a closed appositive keeps its comma ("Carr, the party's director,"), as PolNeAR marks it
            if (text[e - 1 : e] == "," or text[e : e + 1] == ",") and _DESCRIPTION.match(text, s) \
                    and _OBJECT_BEFORE.search(text, max(0, s - 80), s):
                continue  # the appositive with or without its closing comma
        if role == "Content":
            out.extend(_split_content(text, s, e, regions))
            continue
        out.append((role, s, e))
    out = _snap(text, out, regions)
    out.sort(key=lambda x: x[1])
    out = _join_paragraphs(text, sorted(set(out), key=lambda x: (x[1], x[2])), regions)
    return _according(text, _continue_quotes(text, out, regions))


def _snap(text: str, spans: list[RoleSpan], regions: Sequence[QuoteRegion]) -> list[RoleSpan]:
    """A Content that starts or ends inside a closed quotation takes the whole quotation, marks included
    (PolNeAR contents hold whole quotes; the tagger often stops at a sentence end inside one)."""
    outer = [r for r in regions if r.depth == 1 and r.closed]
    out = []
    for role, s, e in spans:
        if role == "Content":
            for r in outer:
                if r.start < e < r.end and "\n" not in text[e : r.end]:
                    e = r.end
                if r.start < s < r.end and "\n" not in text[r.start : s]:
                    s = r.start
        out.append((role, s, e))
    return out



def _continue_quotes(text: str, spans: list[RoleSpan], regions: Sequence[QuoteRegion]) -> list[RoleSpan]:
    """'"A," said Hough. "B."': a quote that follows its attribution in the same paragraph, with no cue of its
    own, continues the Content (PolNeAR marks A and B as one discontinuous span); a name left between the cue
    and the period becomes the Source."""
    outer = [r for r in regions if r.depth == 1]
    out = list(spans)
    drop: set[int] = set()
    add: list[RoleSpan] = []
    for i, (role, s, e) in enumerate(out):
        if role != "Content" or i in drop or text[s] not in _OPENERS:
            continue
        j = i + 1
        while j < len(out) and out[j][0] in ("Source", "Cue") and j - i <= 2:
            j += 1
        mid = out[i + 1 : j]
        if not any(r == "Cue" for r, _, _ in mid) or _gap((e, e), (mid[0][1], mid[0][1]), text) > 3:
            continue
        pos = mid[-1][2]
        nxt = next((r for r in outer if r.start >= pos), None)
        if nxt is None:
            continue
        m = _NAME_STOP.match(text, pos, nxt.start)
        if m is None or (m.group(1) and any(r == "Source" for r, _, _ in mid)):
            continue
        if j < len(out) and out[j][1] < nxt.end:
            if out[j][0] != "Content" or out[j][1] != nxt.start or out[j][2] > nxt.end + 1:
                continue
            drop.add(j)
        tail_end = text.find("\n", nxt.end)
        tail = text[nxt.end : len(text) if tail_end < 0 else tail_end]
        if tail.strip() and not tail.lstrip().startswith(_OPENERS):
            drop.discard(j)
            continue  # something follows in the paragraph: perhaps its own attribution
        out[i] = ("Content", s, nxt.end)
        if m.group(1):
            add.append(("Source", m.start(1), m.end(1)))
    return sorted([x for k, x in enumerate(out) if k not in drop] + add, key=lambda x: x[1])


# What may sit between a cue and the next quote for that quote to continue the first: a name, then a stop.
_NAME_STOP = re.compile(r"[ \t]*((?:[A-Z][\w’'\-]*\.?[ \t]+){0,3}[A-Z][\w’'\-]*)?[.,][ \t]*\Z")


def _join_paragraphs(text: str, spans: list[RoleSpan], regions: Sequence[QuoteRegion]) -> list[RoleSpan]:
    """One Content for a quote that runs over paragraphs: each opens with a mark, only the last one closes."""
    open_ends = {r.end for r in regions if r.depth == 1 and r.end < len(text) and text[r.end] == "\n"
                 and text[r.end - 1] not in _CLOSERS}
    out: list[RoleSpan] = []
    for role, s, e in spans:
        if out and role == "Content" and out[-1][0] == "Content" and text[s] in _OPENERS:
            ps, pe = out[-1][1], out[-1][2]
            region_end = next((x for x in open_ends if pe <= x <= s), None)
            if region_end is not None and not text[region_end:s].strip():
                out[-1] = ("Content", ps, e)
                continue
        out.append((role, s, e))
    return out


def _split_content(text: str, s: int, e: int, regions: Sequence[QuoteRegion]) -> list[RoleSpan]:
    inner = [r for r in regions if r.depth == 1 and s <= r.start and r.end <= e]
    extra: list[RoleSpan] = []
    for r1, r2 in zip(inner, inner[1:]):
        gap = text[r1.end : r2.start]
        m = _SPEAKER_RULE.match(gap)
        if m and not gap[m.end() :].strip(" ,.:;"):
            extra += [("Source", r1.end + m.start(1), r1.end + m.end(1)),
                      ("Cue", r1.end + m.start(2), r1.end + m.end(2))]
    return [("Content", s, e)] + extra


def _according(text: str, spans: list[RoleSpan]) -> list[RoleSpan]:
    out = list(spans)
    for m in _ACCORDING.finditer(text):
        if any(r == "Content" and _gap((s, e), m.span(), text) < 3 for r, s, e in spans):
            continue
        sents = sentence_spans(text)
        k = _sentence_of(sents, m.start()) - 1
        if k < 0:
            continue
        ss, se = sents[k]
        if m.start() - ss <= 1:  # "According to X, content."
            comma = text.find(",", m.end(), se)
            if comma < 0:
                continue
            cs, ce = comma + 1, se
        else:  # "content, according to X."
            cs, ce = ss, m.start()
        cs, ce = _strip(text, cs, ce)
        if ce - cs > 10:
            if not any(r == "Cue" and s == m.start() for r, s, _ in out):
                out = [x for x in out if not (x[1] < m.end() and m.start() < x[2])] + [("Cue", *m.span())]
            out.append(("Content", cs, ce))
    return sorted(out, key=lambda x: x[1])


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;."):
        e -= 1
    return s, e


# A first line this short and without a full stop is taken for a headline.
HEADLINE_MAX = 160


def _headline(text: str, spans: list[RoleSpan], regions: Sequence[QuoteRegion]) -> list[RoleSpan]:
    """A quotation in a headline ("‘We will rebuild’: town defiant"), kept without a speaker when none is named."""
    nl = text.find("\n")
    end = len(text) if nl < 0 else nl
    if end > HEADLINE_MAX or text[:end].rstrip().endswith("."):
        return []
    return [("Content", r.start, r.end) for r in regions
            if r.depth == 1 and r.end <= end and len(text[r.start : r.end].split()) >= 2
            and not any(s < r.end and r.start < e for _, s, e in spans)]


# _kind counts the characters that are not spaces nor these stops, as the length less those (about a sixth of a
# text: a sixth of the matches to collect; _kind 0.1 -> ~0.03 ms a quotation).
_NOT_COUNTED = re.compile(r"[\s,.;:]")
_QUOTED_RUN = re.compile(rb"[^\x00]+")


def _counted(text: str, start: int, end: int) -> int:
    end = min(end, len(text))
    return end - start - len(_NOT_COUNTED.findall(text, start, end)) if end > start else 0


def _kind(pieces: tuple[Span, ...], text: str) -> QuoteKind:
    """direct (nearly all inside quote marks), indirect (none) or mixed, over the content's own pieces."""
    depth = depth_array(text)
    inside = total = 0
    for p in pieces:
        total += _counted(text, p.start, p.end)
        for m in _QUOTED_RUN.finditer(depth, p.start, p.end):
            inside += _counted(text, m.start(), m.end())
    if total and inside >= 0.9 * total:
        return "direct"
    return "indirect" if inside == 0 else "mixed"


# Each pattern with the words one of which any of its matches holds (a match needs its literal trigger): a window
# without any of them is not scanned. Scanning the four patterns over a cue's ~400-character window cost ~70 us a
# cue, 0.55 of the article stage's ~6.4 ms on bench/scale.py's articles (eight cues each); most windows hold none
# of the triggers of the first two. The same matches, since a pattern is only skipped where it cannot match.
_ADDRESSEE = [
    (re.compile(r"\b(?:told|tells|telling|tell|informed|assured|wrote to|said to|spoke to)\s+"
                r"((?:the\s+)?(?:[A-Z][\w’'.\-]*(?:\s+(?:[A-Z][\w’'.\-]*|of|the|for|leader|chief|spokesman|"
                r"official|minister|president|commander))*|reporters|journalists))"),
     ("told", "tell", "informed", "assured", "wrote to", "said to", "spoke to")),
    (re.compile(r"\b(?:letter|message|statement|note|email|call|interview|conversation)\s+(?:to|with)\s+"
                r"((?:the\s+)?[A-Z][\w’'.\-]*(?:\s+(?:[A-Z][\w’'.\-]*|al-\w+))*)"),
     ("letter", "message", "statement", "note", "email", "call", "interview", "conversation")),
    (re.compile(r"\bon\s+(Twitter|Facebook|Instagram|X|Telegram|YouTube|television|TV|radio)\b"),
     ("Twitter", "Facebook", "Instagram", "X", "Telegram", "YouTube", "television", "TV", "radio")),
    (re.compile(r"\bin\s+((?:a|an|the)\s+(?:letter|statement|interview|speech|tweet|post|op-ed|email))\b"),
     ("letter", "statement", "interview", "speech", "tweet", "post", "op-ed", "email")),
]


def _addressee(text: str, cue: tuple[int, int]) -> Span | None:
    lo = max(text.rfind("\n", 0, cue[0]) + 1, cue[0] - 200)
    hi_nl = text.find("\n", cue[1])
    hi = min(cue[1] + 200, hi_nl if hi_nl >= 0 else len(text))
    window = text[lo:hi]
    for rx, triggers in _ADDRESSEE:
        if not any(t in window for t in triggers):
            continue
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


def extract_quotes(article: Article | str, *, accurate: bool = False) -> list[Quote]:
    """Every attribution in the article, in text order. Spans are offsets into the article's text.
    ``accurate``: the tagger also reads contextual word vectors (slower; see :func:`tag_spans`)."""
    text = article.text if isinstance(article, Article) else article
    regions = quote_regions(text)
    spans = _repair(text, tag_spans(text, accurate=accurate), regions)
    spans = sorted(spans + _rule_spans(text, spans, regions) + _headline(text, spans, regions), key=lambda x: x[1])
    mentions = name_mentions(text)
    surnames = surname_table(mentions)
    history: list[tuple[int, str, str | None]] = []
    quotes: list[Quote] = []
    sents = sentence_spans(text)
    for att in link(text, spans):
        if "Content" not in att:
            continue
        c = att["Content"]
        sp, cue = att.get("Source"), att.get("Cue")
        if sp is None and cue is not None and quotes and quotes[-1].speaker is not None:
            prev = quotes[-1].speaker
            if _sentence_of(sents, prev.start) == _sentence_of(sents, cue[0]):
                sp = (prev.start, prev.end)  # "..., saying": the subject of the main clause speaks
        if sp is None and cue is not None:
            sp = _subject(text, sents, cue, spans)
        name = role = None
        if sp is not None:
            name = resolve_name(text, sp, mentions, history, surnames)
            if name is not None:
                role = role_of(text, name, mentions)
                if text[sp[0] : sp[1]].lower() not in PERSONAL_PRONOUNS or role:
                    history.append((sp[0], name, role))
        pieces = _pieces(text, c, [v for k, v in att.items() if k != "Content"])
        quotes.append(Quote(content=Span(*c), kind=_kind(pieces or (Span(*c),), text),
                            speaker=Span(*sp) if sp else None, cue=Span(*cue) if cue else None,
                            addressee=_addressee(text, cue) if cue else None, name=name, role=role,
                            pieces=pieces))
    return quotes


# The subject at the start of a sentence: an optional linking word, then a pronoun or a run of capitalised words
# (titles, "of", "the", a possessive allowed inside), followed by a lower-case word or an appositive comma.
_SUBJECT = re.compile(
    r"(?:(?:But|And|So|Yet|Still|Instead|Meanwhile|However|Then|Now),?\s+)?"
    r"(He|She|They|We|I|(?:The\s+)?(?:[A-Z][\w’'.\-]*)(?:\s+(?:[A-Z][\w’'.\-]*|of|de|al-\w+))*)"
    r"(?=\s*,|\s+[a-z])")
_NOT_SUBJECT = frozenset("""the a an in on at of for if when while after before since this that these those it its
there here as with by from to into yet so but and or his her their our my what why how who where last next
according during although though because despite meanwhile however instead still then now also asked along any
nothing other over some many most all each every one no not many more few several both either neither such""".split())


def _subject(text: str, sents: Sequence[tuple[int, int]], cue: tuple[int, int],
             spans: list[RoleSpan]) -> tuple[int, int] | None:
    """For a cue the tagger gave no source: the subject that opens its sentence, before the cue."""
    k = _sentence_of(sents, cue[0]) - 1
    if k < 0:
        return None
    ss = sents[k][0]
    while ss < cue[0] and text[ss] in "\"“‘'(—– ":
        ss += 1
    m = _SUBJECT.match(text, ss, cue[0])
    if m is None or m.end(1) > cue[0]:
        return None
    s, e = m.span(1)
    first = text[s:e].split()[0]
    if first.lower() in _NOT_SUBJECT or first.endswith("ing") or e - s < 2 or re.search(r"[’']s$", text[s:e]):
        return None
    if any(s < b and a < e for _, a, b in spans):
        return None
    return s, e


def _sentence_of(sents: Sequence[tuple[int, int]], pos: int) -> int:
    """1 + the index of the sentence holding ``pos`` (0 before the first)."""
    lo, hi = 0, len(sents)
    while lo < hi:
        mid = (lo + hi) // 2
        if sents[mid][0] <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _pieces(text: str, content: tuple[int, int], inner: list[tuple[int, int]]) -> tuple[Span, ...]:
    """The content without the source and cue spans that interrupt it (punctuation-only bits dropped)."""
    cuts = sorted(x for x in inner if content[0] < x[0] and x[1] < content[1])
    if not cuts:
        return ()
    bounds = [content[0]] + [v for c in cuts for v in c] + [content[1]]
    out = [Span(a, b) for a, b in zip(bounds[::2], bounds[1::2]) if any(ch.isalnum() for ch in text[a:b])]
    return tuple(out)
