"""Bytes to text: binary sniffing, UTF-8 then a detected encoding, and mojibake repair that keeps an offset map.

The decoded string is the *source* that offsets refer to. Repair (ftfy) never changes the source; it rewrites
pieces of the body and records each rewrite as an :class:`~newstrace.model.Segment` whose ends map exactly.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import ftfy
from ftfy.badness import is_bad
from charset_normalizer import from_bytes

from ..model import OffsetMap, Segment

__all__ = ["DecodeFailure", "TextBuilder", "decode", "is_binary", "needs_repair", "repair_text"]

SNIFF_BYTES = 8192
# Share of control characters (other than tab, newline, carriage return, form feed, backspace, escape) in the
# first SNIFF_BYTES above which input counts as binary. UTF-8 and legacy-encoded prose score 0; random bytes
# score about 0.10 (26 of 256 byte values), and so do compressed or image bodies. 0.05 splits them cleanly.
BINARY_CONTROL_RATIO = 0.05
_CONTROL = bytes(sorted(set(range(32)) - {9, 10, 12, 13, 8, 27}))
_BOMS_UTF16 = (b"\xff\xfe", b"\xfe\xff")

# ftfy limited to encoding repairs: no quote uncurling, no HTML unescaping, no line-break or width changes, so
# that a repair touches only the broken characters and the offset map stays tight.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False, fix_character_width=False,
    uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False, normalization=None, explain=False,
)


# UTF-8 read as Latin-1 or Windows-1252 turns each multi-byte character into a lead character (U+00C2-U+00F4)
# followed by what a continuation byte 0x80-0xBF becomes: U+0080-U+00BF or one of Windows-1252's specials.
# Text without such a pair cannot hold that mojibake, so ftfy's slower badness test runs only where one occurs
# (a plain "é" or a no-break space no longer sends a whole article through it). Other mix-ups (MacRoman,
# code page 437) are rare in news and are left alone.
_SUSPECT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def needs_repair(text: str) -> bool:
    """True when ``text`` holds mojibake ftfy would fix (cheap prefilter, then ftfy's badness test)."""
    return not text.isascii() and _SUSPECT.search(text) is not None and is_bad(text)


class DecodeFailure(Exception):
    """Internal: the bytes are not text. ``reason`` is a Rejection reason."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


def is_binary(data: bytes) -> bool:
    """True when ``data`` looks like a binary file (NUL bytes or many control characters)."""
    head = data[:SNIFF_BYTES]
    if not head or head.startswith(_BOMS_UTF16):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls / len(head) > BINARY_CONTROL_RATIO


def decode(data: bytes) -> Decoded:
    """Decode ``data``: UTF-8 (a BOM is dropped), else the encoding charset-normalizer detects.

    Raises :class:`DecodeFailure` with reason ``binary`` or ``undecodable``.
    """
    if is_binary(data):
        raise DecodeFailure("binary", "control bytes in the first 8 KiB")
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as e:
        first_error = e
    best = from_bytes(data[: 4 * 1024 * 1024]).best()
    if best is None or best.encoding is None:
        raise DecodeFailure("undecodable", f"not UTF-8 ({first_error.reason} at byte {first_error.start}) "
                                           "and no other encoding fits")
    try:
        return Decoded(data.decode(best.encoding), best.encoding)
    except (UnicodeDecodeError, LookupError) as e:
        raise DecodeFailure("undecodable", f"detected {best.encoding} but it does not decode: {e}") from None


def repair_text(text: str) -> str:
    """``text`` with mojibake repaired (no map; for titles and other fields kept whole)."""
    return ftfy.fix_text(text, _FTFY) if needs_repair(text) else text


_TOKEN = re.compile(r"\S+\s*|\s+")


def _char_opcodes(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """``(i1, i2, j1, j2)`` ranges that turn ``a`` into ``b`` piece by piece (difflib opcodes, all kinds).

    Matched word by word first, then character by character inside the words that differ: a repair changes a
    few words of a line, and a character-level match of a whole 5,000-character line costs ~80 ms (quadratic)
    where this costs well under one."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    oa, ob = [0], [0]
    for t in ta:
        oa.append(oa[-1] + len(t))
    for t in tb:
        ob.append(ob[-1] + len(t))
    out: list[tuple[int, int, int, int]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        a0, a1, b0, b1 = oa[i1], oa[i2], ob[j1], ob[j2]
        if op == "equal":
            out.append((a0, a1, b0, b1))
            continue
        for _, k1, k2, m1, m2 in difflib.SequenceMatcher(None, a[a0:a1], b[b0:b1], autojunk=False).get_opcodes():
            out.append((a0 + k1, a0 + k2, b0 + m1, b0 + m2))
    return out


class TextBuilder:
    """Builds a body from pieces of a source string and the :class:`OffsetMap` back to it.

    >>> b = TextBuilder("Head\\n\\nBody one.\\nCaption\\nBody two.")
    >>> b.copy(6, 16); b.copy(24, 33)
    >>> b.text(), b.offsets().to_source(10)
    ('Body one.\\nBody two.', 24)
    """

    def __init__(self, source: str, *, repair: bool = True):
        self.source = source
        self.repair = repair
        self._parts: list[str] = []
        self._segs: list[Segment] = []
        self._t = 0

    def copy(self, s0: int, s1: int) -> None:
        """Append ``source[s0:s1]``, repairing mojibake line by line when asked."""
        piece = self.source[s0:s1]
        if not piece:
            return
        if self.repair and needs_repair(piece):
            pos = s0
            for line in piece.splitlines(keepends=True):
                self._add_line(line, pos)
                pos += len(line)
        else:
            self._emit(piece, s0, len(piece))

    def _add_line(self, line: str, s0: int) -> None:
        fixed = ftfy.fix_text(line, _FTFY) if needs_repair(line) else line
        if fixed == line:
            self._emit(line, s0, len(line))
            return
        for i1, i2, j1, j2 in _char_opcodes(line, fixed):
            self._emit(fixed[j1:j2], s0 + i1, i2 - i1)

    def _emit(self, out: str, s0: int, slen: int) -> None:
        tlen = len(out)
        prev = self._segs[-1] if self._segs else None
        if (prev and tlen == slen and prev.tlen == prev.slen and prev.s0 + prev.slen == s0):
            self._segs[-1] = Segment(prev.t0, prev.s0, prev.tlen + tlen, prev.slen + slen)
        else:
            self._segs.append(Segment(self._t, s0, tlen, slen))
        self._parts.append(out)
        self._t += tlen

    def text(self) -> str:
        return "".join(self._parts)

    def offsets(self) -> OffsetMap | None:
        """The map back to the source, or None when the body is the source itself."""
        m = OffsetMap(self._segs)
        return None if m.is_identity and (not m.segments or m.segments[0].s0 == 0) else m
