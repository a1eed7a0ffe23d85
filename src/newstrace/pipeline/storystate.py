"""The story clusterer's state between runs, so a run only adds the new articles to the stories.

:class:`~newstrace.stories.StoryClusterer` is deterministic in arrival order and articles only ever arrive
after those already stored, so continuing from the saved state gives exactly what a fresh run gives. The state
is pickled; loading it admits only the classes a clusterer is made of (a store file from elsewhere cannot make
``trace`` run code), and any state that does not load is rebuilt from the stored features.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from ..stories import StoryClusterer

__all__ = ["dumps", "loads"]

_ALLOWED = {
    ("newstrace.stories", None),  # the clusterer, its settings, document frequencies and features
    ("datetime", "date"),
    ("collections", "Counter"),
    ("collections", "defaultdict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "dict"),
    ("copyreg", "_reconstructor"),
    ("builtins", "object"),
}


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, None) in _ALLOWED or (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a story clusterer")


def dumps(c: StoryClusterer) -> bytes:
    return pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes | None) -> StoryClusterer | None:
    """The clusterer saved in ``blob``, or None when there is none or it does not load (then rebuild)."""
    if not blob:
        return None
    try:
        c = _Restricted(io.BytesIO(blob)).load()
    except Exception:  # noqa: BLE001 (an old or foreign state is rebuilt, never trusted)
        return None
    return c if isinstance(c, StoryClusterer) else None
