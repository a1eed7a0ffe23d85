"""The one data model: articles with exact character offsets, and the findings that point into them.

Every finding is a half-open ``[start, end)`` character span into :attr:`Article.text`. ``Article.text`` is the
article body as decoded from the input; when the reader removed something from the decoded input (a headline
line, a photo caption, a metadata line) or repaired it (mojibake), :attr:`Article.offsets` maps every body offset
back to an offset in the *source*: the decoded input unit the article came from (a whole text file, one JSONL
record's text field, the text trafilatura extracted from an HTML page). Faces report source offsets, so
annotations line up with the raw file.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Literal, Sequence

__all__ = [
    "Article",
    "OffsetMap",
    "Origin",
    "Rejection",
    "Segment",
    "Span",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def text(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of an :class:`OffsetMap`: ``text[t0:t0+tlen]`` came from ``source[s0:s0+slen]``.

    When ``tlen == slen`` the piece was copied and offsets map one to one; otherwise it was rewritten (say a
    mojibake repair) and inner offsets map proportionally, while both ends map exactly.
    """

    t0: int
    s0: int
    tlen: int
    slen: int


class OffsetMap:
    """Maps offsets in an article body back to offsets in the decoded source it was cut from.

    Built from ordered :class:`Segment` pieces. ``OffsetMap.identity(n)`` is the map of a body equal to its
    source. Lookups are ``O(log pieces)``.

    >>> m = OffsetMap([Segment(0, 10, 5, 5), Segment(5, 30, 4, 4)])
    >>> m.to_source(0), m.to_source(4), m.to_source(5), m.to_source(5, end=True)
    (10, 14, 30, 15)
    """

    __slots__ = ("segments", "_starts")

    def __init__(self, segments: Sequence[Segment]):
        segs = [s for s in segments if s.tlen > 0 or s.slen > 0]
        t = 0
        for s in segs:
            if s.t0 != t:
                raise ValueError(f"offset map pieces must tile the text: expected t0={t}, got {s.t0}")
            t += s.tlen
        self.segments: tuple[Segment, ...] = tuple(segs)
        self._starts = [s.t0 for s in self.segments]

    @classmethod
    def identity(cls, length: int, source_start: int = 0) -> "OffsetMap":
        return cls([Segment(0, source_start, length, length)])

    @property
    def text_length(self) -> int:
        return sum(s.tlen for s in self.segments)

    @property
    def is_identity(self) -> bool:
        return len(self.segments) <= 1 and all(s.t0 == s.s0 and s.tlen == s.slen for s in self.segments)

    def to_source(self, offset: int, *, end: bool = False) -> int:
        """The source offset of body offset ``offset``.

        With ``end=True`` the offset is read as the exclusive end of a span, so an offset on the border of two
        pieces maps to the end of the earlier piece rather than the start of the later one.
        """
        if not self.segments:
            return offset
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            i = 0
        if end and i > 0 and offset == self.segments[i].t0:
            i -= 1
        seg = self.segments[i]
        d = offset - seg.t0
        if d >= seg.tlen:  # past the end of the last piece
            return seg.s0 + seg.slen + (d - seg.tlen)
        if seg.tlen == seg.slen:
            return seg.s0 + d
        return seg.s0 + round(d * seg.slen / seg.tlen)

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        return self.to_source(start), self.to_source(end, end=True)

    def to_list(self) -> list[int]:
        """A flat list of ints (t0, s0, tlen, slen, ...) for storage."""
        out: list[int] = []
        for s in self.segments:
            out.extend((s.t0, s.s0, s.tlen, s.slen))
        return out

    @classmethod
    def from_list(cls, flat: Iterable[int]) -> "OffsetMap":
        v = list(flat)
        return cls([Segment(*v[i : i + 4]) for i in range(0, len(v), 4)])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OffsetMap) and self.segments == other.segments

    def __repr__(self) -> str:
        return f"OffsetMap({list(self.segments)!r})"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from: the file (and archive member), and its line, record number or byte offset."""

    path: str
    member: str | None = None
    line: int | None = None
    record: int | None = None
    offset: int | None = None

    def describe(self) -> str:
        where = self.path + (f"!{self.member}" if self.member else "")
        if self.line is not None:
            where += f":{self.line}"
        elif self.record is not None:
            where += f"#{self.record}"
        elif self.offset is not None:
            where += f"@{self.offset}"
        return where


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: the body text exactly as decoded, its metadata, and a map back to its source.

    ``extras`` holds what the reader recognised and kept out of the body (``"captions"``, ``"credits"``,
    ``"metadata"``...), each a list of ``{"text", "start", "end"}`` dicts with *source* offsets.
    """

    id: str
    text: str
    origin: Origin
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    published: dt.datetime | dt.date | None = None
    language: str | None = None
    offsets: OffsetMap | None = None
    extras: dict[str, list[dict]] = field(default_factory=dict)

    def to_source(self, offset: int, *, end: bool = False) -> int:
        """The offset in the decoded source of body offset ``offset`` (identity when nothing was removed)."""
        return offset if self.offsets is None else self.offsets.to_source(offset, end=end)

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        return self.to_source(start), self.to_source(end, end=True)

    @classmethod
    def from_text(cls, text: str, *, id: str | None = None, title: str | None = None,
                  outlet: str | None = None, published: dt.date | dt.datetime | None = None,
                  url: str | None = None, path: str = "<text>") -> "Article":
        """An article from a plain string, for the Python API and tests (the id hashes outlet, url and text)."""
        from .ids import article_id

        return cls(id=id or article_id(outlet=outlet, url=url, text=text), text=text, origin=Origin(path=path),
                   title=title, outlet=outlet, published=published, url=url)


RejectReason = Literal[
    "binary", "empty", "undecodable", "malformed", "truncated", "too-large", "unsupported", "unreadable",
]


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input record that did not become an article, with the reason (one of :data:`RejectReason`)."""

    origin: Origin
    reason: str
    detail: str = ""

    def describe(self) -> str:
        return f"{self.origin.describe()}: {self.reason}" + (f" ({self.detail})" if self.detail else "")
