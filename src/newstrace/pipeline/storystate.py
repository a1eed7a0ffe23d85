"""The story clusterer's state between runs, so a run only adds the new articles to the stories.

:class:`~newstrace.stories.StoryClusterer` is deterministic in arrival order and articles only ever arrive
after those already stored, so continuing from the saved state gives exactly what a fresh run gives. The state
is the clusterer's own ``.npz`` archive (:meth:`~newstrace.stories.StoryClusterer.to_bytes`: arrays and JSON,
no pickle, so a store file from elsewhere cannot make ``trace`` run code); any state that does not load is
rebuilt from the stored features.
"""

from __future__ import annotations

from ..stories import StoryClusterer

__all__ = ["dumps", "loads"]


def dumps(c: StoryClusterer) -> bytes:
    return c.to_bytes()


def loads(blob: bytes | None) -> StoryClusterer | None:
    """The clusterer saved in ``blob``, or None when there is none or it does not load (then rebuild)."""
    if not blob:
        return None
    try:
        return StoryClusterer.from_bytes(bytes(blob))
    except Exception:  # noqa: BLE001 (an old or foreign state is rebuilt, never trusted)
        return None
