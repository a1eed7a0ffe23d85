"""The saved story clusterer: it round-trips, continues exactly as a fresh one, and a foreign pickle is refused."""

from __future__ import annotations

import os
import pickle

from gen import corpus

from newstrace.pipeline import storystate
from newstrace.stories import StoryClusterer, article_story_features


def test_continue_from_saved_state_equals_fresh() -> None:
    feats = [article_story_features(a) for a in corpus(6, seed=2)]
    fresh = StoryClusterer()
    fresh.extend(feats)
    first = StoryClusterer()
    first.extend(feats[:10])
    resumed = storystate.loads(storystate.dumps(first))
    assert resumed is not None
    resumed.extend(feats[10:])
    assert resumed.stories() == fresh.stories()


class _Evil:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, ("echo pwned > /dev/null",))


def test_foreign_pickle_is_refused() -> None:
    assert storystate.loads(pickle.dumps(_Evil())) is None
    assert storystate.loads(pickle.dumps({"a": 1})) is None
    assert storystate.loads(b"not a pickle") is None and storystate.loads(None) is None


def test_dump_parts_hands_on_the_saved_state_in_bounded_parts() -> None:
    c = StoryClusterer()
    c.extend(article_story_features(a) for a in corpus(3, seed=4))
    whole = storystate.dumps(c)
    for size in (1000, 4096, len(whole), 10 * len(whole)):
        parts: list[bytes] = []
        assert storystate.dump_parts(c, parts.append, size) == len(parts)
        assert b"".join(parts) == whole
        assert all(len(p) == size for p in parts[:-1]) and 0 < len(parts[-1]) <= size
