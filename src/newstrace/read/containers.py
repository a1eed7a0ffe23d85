"""Containers: ``.gz``, ``.bz2``, ``.xz`` (one inner file) and ``.zip`` (many members) around any other kind.

Inner streams are decompressed lazily; a damaged or cut-off stream surfaces as ``EOFError``/``OSError`` in the
inner reader, which the dispatcher turns into one ``truncated`` rejection after the records already read.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import zipfile
from typing import IO, Callable, Iterator

from .base import DAMAGE, ContainerTooLarge, Item, Source, reject
from .settings import ReadSettings

__all__ = ["inner_sources", "strip_suffix"]

_OPENERS: dict[str, Callable[[IO[bytes]], IO[bytes]]] = {
    "gz": lambda f: gzip.GzipFile(fileobj=f, mode="rb"),
    "bz2": lambda f: bz2.BZ2File(f, mode="rb"),
    "xz": lambda f: lzma.LZMAFile(f, mode="rb"),
}


class _Limited(io.RawIOBase):
    """A read-only stream that refuses to yield more than ``limit`` bytes (decompression bombs)."""

    def __init__(self, inner: IO[bytes], outer: IO[bytes], limit: int):
        self.inner, self.outer, self.left, self.limit = inner, outer, limit, limit

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # noqa: ANN001
        if self.left <= 0:
            raise ContainerTooLarge(f"decompressed size over the container limit ({self.limit:,} bytes)")
        n = self.inner.readinto(memoryview(b)[: min(len(b), self.left + 1)])
        self.left -= n or 0
        return n or 0

    def close(self) -> None:
        self.inner.close()
        self.outer.close()
        super().close()


def strip_suffix(name: str) -> str:
    stem, _ = posixpath.splitext(name)
    return stem


def inner_sources(src: Source, kind: str, settings: ReadSettings) -> Iterator[Source | Item]:
    """The inner file of a compressed stream, or the members of a zip; a bad zip is a Rejection."""
    if kind in _OPENERS:
        opener = _OPENERS[kind]

        def open_inner() -> IO[bytes]:
            outer = src.open()
            return io.BufferedReader(_Limited(opener(outer), outer, settings.max_container_bytes))

        name = strip_suffix(src.name)
        yield Source(path=src.path, name=name, open=open_inner, member=_member(src, posixpath.basename(name)))
        return
    yield from _zip_members(src)


def _member(src: Source, name: str) -> str:
    return f"{src.member}/{name}" if src.member else name


def _zip_members(src: Source) -> Iterator[Source | Item]:
    try:
        f = src.open()
        if not f.seekable():
            f = io.BytesIO(f.read())
        zf = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, *DAMAGE) as e:
        yield reject(src, "malformed", f"not a readable zip file: {e}")
        return
    with zf:
        for info in zf.infolist():
            base = posixpath.basename(info.filename)
            if info.is_dir() or base.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue
            yield Source(path=src.path, name=info.filename, member=_member(src, info.filename),
                         open=lambda n=info.filename: zf.open(n))
