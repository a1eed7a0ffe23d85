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
