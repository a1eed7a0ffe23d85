"""Plain text, one article per file: headline and metadata lines become fields, photo captions leave the body.

The cascade, on the decoded file (the *source*):

1. header lines at the top: ``key: value`` lines with a known key (title, date, source, url, byline...), a bare
   date line, and the first short line followed by a blank line (or by one short line and then a blank line)
   as the headline;
2. an inline metadata prefix on the first body line (`` date 2021-05-20 The chief of...``);
3. caption blocks in the body: a short line holding a photo credit (``(photo credit: ...)``, ``Photo: ...``,
   ``Credit: ...``) plus the short lines next to it;
4. the body is the rest, trimmed, with an :class:`~newstrace.model.OffsetMap` back to the source.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..model import OffsetMap
from .dates import parse_date
from .decode import TextBuilder, repair_text

__all__ = ["Parsed", "parse_plain"]

# Longest line taken as a headline. PolNeAR's 924 first lines are at most 141 characters; news headlines rarely
# pass 150. A first sentence of body text is usually longer.
HEADLINE_MAX_CHARS = 200
# Longest line that can be part of a caption block (captions run one or two sentences).
CAPTION_LINE_MAX_CHARS = 200
# How many short lines above a credit-only line join its caption block. Sites that split caption and credit
# put the caption on the one line above; reaching further starts eating short body lines.
CAPTION_REACH = 1

_KEYS = {
    "title": "title", "headline": "title", "date": "published", "published": "published", "dated": "published",
    "publication date": "published", "pubdate": "published", "source": "outlet", "outlet": "outlet",
    "publisher": "outlet", "url": "url", "link": "url", "byline": "byline", "by": "byline", "author": "byline",
}
_META_LINE = re.compile(
    r"[ \t]*(?P<key>[A-Za-z][A-Za-z ]{0,19}?)[ \t]*(?P<sep>:|=|[ \t](?=\d))[ \t]*(?P<val>\S.*?)[ \t]*")
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_INLINE_DATE = re.compile(r"[ \t]*(?:date|dated|published)[ \t]*[:=]?[ \t]*(?P<val>" + _ISO + r")[ \t]+(?=\S)", re.I)
_CREDIT = re.compile(
    r"\((?:photo|image|picture|video|photograph)?[ \t]*(?:credits?|courtesy)[ \t]*:[ \t]*(?P<a>[^)]*)\)"
    r"|^[ \t]*(?:photo|image|picture|photograph|photo credit|credits?)(?:[ \t]+by)?[ \t]*:[ \t]*(?P<b>\S.*?)[ \t]*$",
    re.I,
)

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")


@dataclass(slots=True)
class Parsed:
    """A parsed text: body, map back to the source, and the fields found around it."""

    text: str
    offsets: OffsetMap | None
    title: str | None = None
    published: dt.date | dt.datetime | None = None
    outlet: str | None = None
    url: str | None = None
    extras: dict[str, list[dict]] = field(default_factory=dict)


def _lines(source: str) -> list[tuple[int, int, int]]:
    """(start, end without newline, end with newline) of each line."""
    out, pos = [], 0
    for line in source.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((pos, pos + len(body), pos + len(line)))
        pos += len(line)
    return out


def _note(p: Parsed, key: str, source: str, start: int, end: int) -> None:
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    p.extras.setdefault(key, []).append({"text": source[start:end], "start": start, "end": end})


def _meta(p: Parsed, line: str) -> bool:
    """Take a whole header line as metadata when it is ``key: value`` with a known key, or a bare date."""
    m = _META_LINE.fullmatch(line)
    if m and m.group("key").lower() in _KEYS:
        field_, val = _KEYS[m.group("key").lower()], m.group("val")
        if m.group("sep").isspace() and field_ != "published":
            return False  # "date 2021-05-20" is metadata; "By 2030 the fleet..." is prose
        if field_ == "published":
            d = parse_date(val)
            if d is None:
                return False
            p.published = p.published or d
        elif field_ != "byline" and getattr(p, field_) is None:
            setattr(p, field_, repair_text(val))
        return True
    if len(line.strip()) <= 40 and (d := parse_date(line.strip())) is not None:
        p.published = p.published or d
        return True
    return False


def _is_headline(source: str, lines: list[tuple[int, int, int]], i: int) -> bool:
    s, e, _ = lines[i]
    if not 0 < len(source[s:e].strip()) <= HEADLINE_MAX_CHARS:
        return False
    blank = lambda j: j >= len(lines) or not source[lines[j][0]:lines[j][1]].strip()  # noqa: E731
    rest = any(not blank(j) for j in range(i + 1, len(lines)))
    if not rest:
        return False
    if blank(i + 1) or _meta(Parsed("", None), source[lines[i + 1][0]:lines[i + 1][1]]):
        return True
    s2, e2, _ = lines[i + 1]
    return len(source[s2:e2].strip()) <= HEADLINE_MAX_CHARS and blank(i + 2) and any(
        not blank(j) for j in range(i + 3, len(lines)))


def _header(p: Parsed, source: str, lines: list[tuple[int, int, int]]) -> tuple[int, int]:
    """Consume header lines; returns (index of the first body line, source offset where the body starts)."""
    i = 0
    while i < len(lines):
        s, e, nl = lines[i]
        line = source[s:e]
        if not line.strip():
            i += 1
            continue
        if _meta(p, line):
            _note(p, "metadata", source, s, e)
            i += 1
            continue
        m = _INLINE_DATE.match(line)
        if m and (d := parse_date(m.group("val"))) is not None:
            p.published = p.published or d
            _note(p, "metadata", source, s, s + m.end())
            return i, s + m.end()
        if p.title is None and "headline" not in p.extras and _is_headline(source, lines, i):
            p.title = repair_text(line.strip())
            _note(p, "headline", source, s, e)
            i += 1
            continue
        return i, s
    return i, len(source)


def _caption_lines(source: str, lines: list[tuple[int, int, int]], first: int) -> set[int]:
    """Indexes of body lines that belong to photo-caption blocks.

    A short line holding a credit is a caption; a credit-only line (``(photo credit: X)``, ``Photo: X``) also
    takes the short line just above it, the caption it credits, unless that line ends a sentence.
    """
    short = lambda j: 0 < len(source[lines[j][0]:lines[j][1]].strip()) <= CAPTION_LINE_MAX_CHARS  # noqa: E731
    out: set[int] = set()
    for i in range(first, len(lines)):
        line = source[lines[i][0]:lines[i][1]]
        m = _CREDIT.search(line) if short(i) else None
        if not m:
            continue
        out.add(i)
        if line[: m.start()].strip() or line[m.end():].strip():
            continue
        for j in range(i - 1, max(first, i - CAPTION_REACH) - 1, -1):
            if not short(j) or _SENTENCE_END.search(source[lines[j][0]:lines[j][1]]):
                break  # a line ending a sentence is body text more often than a caption
            out.add(j)
    return out


def _title_line(p: Parsed, source: str, lines: list[tuple[int, int, int]], title: str) -> tuple[int, int]:
    """Peel the first non-blank line when it repeats ``title`` (extracted HTML text starts with its headline)."""
    for i, (s, e, nl) in enumerate(lines):
        if source[s:e].strip():
            if " ".join(source[s:e].split()) == " ".join(title.split()):
                p.title = title
                _note(p, "headline", source, s, e)
                return i + 1, nl
            return i, s
    return len(lines), len(source)


def parse_plain(source: str, *, repair: bool = True, headers: bool = True, title: str | None = None) -> Parsed:
    """Split a plain-text article into fields and a body with a map back to ``source``.

    ``headers=False`` skips header recognition (record formats carry their fields separately); ``title`` then
    names a headline line to peel off the top if the text repeats it.

    >>> p = parse_plain("Dockers strike\\n\\nThe port shut on Friday.\\nA crane (photo credit: J. Roe)\\nIt reopened.")
    >>> p.title, p.text, p.extras["captions"][0]["text"]
    ('Dockers strike', 'The port shut on Friday.\\nIt reopened.', 'A crane (photo credit: J. Roe)')
    """
    p = Parsed(text="", offsets=None)
    lines = _lines(source)
    if headers:
        first, start = _header(p, source, lines)
    elif title:
        first, start = _title_line(p, source, lines, title)
    else:
        first, start = 0, 0
    captions = _caption_lines(source, lines, first)
    for i in sorted(captions):
        s, e, _ = lines[i]
        _note(p, "captions", source, s, e)
        for m in _CREDIT.finditer(source[s:e]):
            g = "a" if m.group("a") is not None else "b"
            _note(p, "photo_credits", source, s + m.start(g), s + m.end(g))
    keep: list[tuple[int, int]] = []
    cur = start
    for i in sorted(captions):
        s, _, nl = lines[i]
        keep.append((cur, max(cur, s)))
        cur = max(cur, nl)
    keep.append((cur, len(source)))
    _fill(p, source, keep, repair)
    return p


def _fill(p: Parsed, source: str, keep: list[tuple[int, int]], repair: bool) -> None:
    """Copy the kept ranges, trimmed of outer whitespace, into the body."""
    keep = [(s, e) for s, e in keep if e > s]
    while keep and not source[keep[0][0]:keep[0][1]].strip():
        keep.pop(0)
    while keep and not source[keep[-1][0]:keep[-1][1]].strip():
        keep.pop()
    if not keep:
        return
    s0, e0 = keep[0]
    keep[0] = (s0 + len(source[s0:e0]) - len(source[s0:e0].lstrip()), e0)
    s1, e1 = keep[-1]
    keep[-1] = (s1, s1 + len(source[s1:e1].rstrip()))
    b = TextBuilder(source, repair=repair)
    for s, e in keep:
        b.copy(s, e)
    p.text, p.offsets = b.text(), b.offsets()
