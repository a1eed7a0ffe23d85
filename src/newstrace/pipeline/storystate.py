"""The story clusterer's state between runs, so a run only adds the new articles to the stories.

:class:`~newstrace.stories.StoryClusterer` is deterministic in arrival order and articles only ever arrive
after those already stored, so continuing from the saved state gives exactly what a fresh run gives. The state
is the clusterer's own ``.npz`` archive (:meth:`~newstrace.stories.StoryClusterer.to_bytes`: arrays and JSON,
no pickle, so a store file from elsewhere cannot make ``trace`` run code); any state that does not load is
rebuilt from the stored features.
"""

from __future__ import annotations

from typing import Callable

from ..stories import StoryClusterer

__all__ = ["dump_parts", "dumps", "loads"]


def dumps(c: StoryClusterer) -> bytes:
    return c.to_bytes()


class _Parts:
    """A write-only binary file that hands its bytes on in parts of ``size`` bytes (the last one shorter)."""

    def __init__(self, emit: Callable[[bytes], None], size: int):
        self.emit, self.size, self.buf = emit, size, bytearray()

    def write(self, b: bytes) -> int:
        self.buf += b
        while len(self.buf) >= self.size:
            with memoryview(self.buf) as view:  # one copy per part (slicing the bytearray would make two)
                part = bytes(view[:self.size])
            del self.buf[:self.size]  # (a bytearray drops its head without moving the rest)
            self.emit(part)
        return len(b)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.buf:
            self.emit(bytes(self.buf))
            self.buf = bytearray()


def dump_parts(c: StoryClusterer, emit: Callable[[bytes], None], size: int) -> int:
    """Hand :func:`dumps`'s bytes to ``emit`` in parts of at most ``size`` bytes as they are made (no copy of
    the whole state: ~2.6 GB at 1M articles); returns the number of parts."""
    n = [0]

    def counted(b: bytes) -> None:
        n[0] += 1
        emit(b)

    sink = _Parts(counted, size)
    c.write_to(sink)
    sink.close()
    return n[0]


def loads(blob: bytes | None) -> StoryClusterer | None:
    """The clusterer saved in ``blob``, or None when there is none or it does not load (then rebuild)."""
    if not blob:
        return None
    try:
        return StoryClusterer.from_bytes(bytes(blob))
    except Exception:  # noqa: BLE001 (an old or foreign state is rebuilt, never trusted)
        return None
