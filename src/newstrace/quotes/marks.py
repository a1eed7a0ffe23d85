"""Quote-mark pairing: which characters of a text lie inside quotation marks, and at what depth.

Handles straight and curly double quotes, single quotes nested inside double ones (an apostrophe is never
taken for a mark: a ``’`` between two letters is a letter), quotes that run over several paragraphs with an
opening mark on each, and unbalanced marks (an unclosed quote ends at its paragraph's end, unless the next
paragraph opens a quote again, which continues it).
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from functools import lru_cache

__all__ = ["QuoteRegion", "quote_regions", "depth_array"]

_OPEN_D = "“„«"
_CLOSE_D = "”»"
_OPEN_S = "‘‹"
_CLOSE_S = "’›"
_EVENT = re.compile("[\n\"'" + re.escape(_OPEN_D + _CLOSE_D + _OPEN_S + _CLOSE_S) + "]")


@dataclass(frozen=True, slots=True)
class QuoteRegion:
    """A quoted stretch ``[start, end)`` including its marks; ``depth`` 1 for outer, 2 for a quote in a quote.

    ``closed`` is False when the closing mark was missing (the region then ends at its paragraph's end).
    """

    start: int
    end: int
    depth: int
    closed: bool = True


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def _classify(text: str, i: int, inside: bool) -> str | None:
    """'open', 'close' or None for the mark at ``text[i]``."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch in _OPEN_D:
        return "open"
    if ch in _CLOSE_D:
        return "close"
    if ch == '"':
        if prev.isspace() or prev in "([{—–-/" or i == 0:
            return "open" if not nxt.isspace() else ("close" if inside else None)
        return "close" if inside else ("open" if not nxt.isspace() and not _is_letter(prev) else "close")
    return None


def _classify_single(text: str, i: int) -> str | None:
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if _is_letter(prev) and _is_letter(nxt):
        return None  # an apostrophe: don't, Qaani’s
    if ch in _OPEN_S or (ch == "'" and not _is_letter(prev) and _is_letter(nxt) or ch == "'" and prev in " (“\""):
        return "open" if not nxt.isspace() else None
    if ch in _CLOSE_S or ch == "'":
        return "close" if not _is_letter(nxt) else None
    return None


@lru_cache(maxsize=4)
def quote_regions(text: str) -> tuple[QuoteRegion, ...]:
    """Quoted regions of ``text``, outer (depth 1) and nested (depth 2), in order of start.

    >>> [(r.start, r.end, r.depth) for r in quote_regions('He said "no \\'never\\' again" twice.')]
    [(8, 26, 1), (12, 19, 2)]
    """
    out: list[QuoteRegion] = []
    open_d: int | None = None
    open_s: int | None = None
    n = len(text)
    skip = 0  # after a top-level single quote, the scan resumes at its end
    for m in _EVENT.finditer(text):  # only newlines and quote marks change the state: jump between them
        i = m.start()
        if i < skip:
            continue
        ch = text[i]
        if ch == "\n":
            if open_s is not None:
                out.append(QuoteRegion(open_s, i, 2, False))
                open_s = None
            if open_d is not None:
                out.append(QuoteRegion(open_d, i, 1, _continues(text, i)))
                open_d = None
        elif ch in _OPEN_D or ch in _CLOSE_D or ch == '"':
            kind = _classify(text, i, open_d is not None)
            if kind == "open" and open_d is None:
                open_d = i
            elif kind == "close" and open_d is not None:
                if open_s is not None:
                    out.append(QuoteRegion(open_s, i, 2, False))
                    open_s = None
                out.append(QuoteRegion(open_d, i + 1, 1))
                open_d = None
        elif open_d is not None and (ch in _OPEN_S or ch in _CLOSE_S or ch == "'"):
            kind = _classify_single(text, i)
            if kind == "open" and open_s is None:
                open_s = i
            elif kind == "close" and open_s is not None:
                out.append(QuoteRegion(open_s, i + 1, 2))
                open_s = None
        elif open_d is None and ch in _OPEN_S and _classify_single(text, i) == "open":
            end = _single_close(text, i)  # a curly single quote at top level: headline style
            if end is not None:
                out.append(QuoteRegion(i, end, 1))
                skip = end
    if open_s is not None:
        out.append(QuoteRegion(open_s, n, 2, False))
    if open_d is not None:
        out.append(QuoteRegion(open_d, n, 1, False))
    out.sort(key=lambda r: (r.start, r.depth))
    return tuple(out)


def _single_close(text: str, i: int) -> int | None:
    """The end of a top-level ‘...’ quote opened at ``i``, within its paragraph, or None."""
    nl = text.find("\n", i)
    stop = len(text) if nl < 0 else nl
    for j in range(i + 1, stop):
        if text[j] in _CLOSE_S and _classify_single(text, j) == "close":
            return j + 1
    return None


def _continues(text: str, nl: int) -> bool:
    """Whether the paragraph after newline ``nl`` opens with a quote mark (a multi-paragraph quote)."""
    j = nl
    while j < len(text) and text[j].isspace():
        j += 1
    return j < len(text) and text[j] in _OPEN_D + '"'


@lru_cache(maxsize=4)
def depth_array(text: str) -> bytes:
    """Quote depth (0, 1, 2) of every character of ``text`` (cached for the few texts in flight: the tagger's
    features and the extraction rules both read it)."""
    depth = bytearray(len(text))
    for r in quote_regions(text):
        if r.depth == 2 or not any(depth[r.start : r.end]):
            depth[r.start : r.end] = bytes([r.depth]) * (r.end - r.start)
    return bytes(depth)
