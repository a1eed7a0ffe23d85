"""What every reader shares: the input unit (:class:`Source`), size-limited reading, and article assembly."""

from __future__ import annotations

import datetime as dt
import lzma
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Callable, Iterator, Union

from ..ids import article_id
from ..model import Article, OffsetMap, Origin, Rejection
from .lang import guess_language
from .settings import ReadSettings

__all__ = ["DAMAGE", "ContainerTooLarge", "Item", "Source", "TooLarge", "build_article", "read_limited", "reject"]

Item = Union[Article, Rejection]
# What a damaged or cut-off compressed stream raises (gzip: BadGzipFile/EOFError, zlib.error; bz2: OSError;
# lzma: LZMAError; zip: BadZipFile).
DAMAGE = (EOFError, OSError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)


@dataclass(frozen=True, slots=True)
class Source:
    """One input unit: a file, an archive member or stdin. ``name`` drives detection (a member's own name)."""

    path: str
    name: str
    open: Callable[[], IO[bytes]]
    member: str | None = None

    def origin(self, **where: int | None) -> Origin:
        return Origin(path=self.path, member=self.member, **where)


class TooLarge(Exception):
    """Internal: more bytes than the limit."""


class ContainerTooLarge(OSError):
    """A decompressed stream passed ``max_container_bytes`` (an OSError so that it ends reading like damage)."""


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """All of ``stream``, or :class:`TooLarge` when it holds more than ``limit`` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"more than {limit:,} bytes")
    return data


def reject(src: Source, reason: str, detail: str = "", **where: int | None) -> Rejection:
    return Rejection(origin=src.origin(**where), reason=reason, detail=detail)


def read_one(src: Source, settings: ReadSettings, item: Callable[[Source, ReadSettings, bytes], "Item"]
             ) -> Iterator[Item]:
    """One article from a whole file: its bytes (up to ``max_article_bytes``) handed to ``item``, else a
    ``too-large`` rejection."""
    try:
        with src.open() as f:
            data = read_limited(f, settings.max_article_bytes)
    except TooLarge as e:
        yield reject(src, "too-large", str(e))
        return
    yield item(src, settings, data)


def build_article(src: Source, settings: ReadSettings, *, text: str, offsets: OffsetMap | None,
                  where: dict[str, int | None] | None = None, own_id: object = None, outlet: str | None = None,
                  url: str | None = None, title: str | None = None,
                  published: dt.date | dt.datetime | None = None, language: str | None = None,
                  extras: dict[str, list[dict]] | None = None) -> Article | Rejection:
    """An :class:`Article`, or the Rejection for an empty or too-large body."""
    where = where or {}
    if not text.strip():
        return reject(src, "empty", "no text", **where)
    if len(text) > settings.max_article_bytes:
        return reject(src, "too-large", f"{len(text):,} characters, limit {settings.max_article_bytes:,}", **where)
    own = None if own_id is None or isinstance(own_id, (dict, list)) else str(own_id)
    if language is None and settings.guess_language:
        language = guess_language(text)
    return Article(
        id=article_id(outlet=outlet, url=url, text=text, own=own), text=text, origin=src.origin(**where),
        outlet=outlet or None, url=url or None, title=title or None, published=published, language=language,
        offsets=offsets, extras=extras or {},
    )
