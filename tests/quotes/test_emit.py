"""The compiled emission pass (newstrace.quotes.emit) gives the numpy path's scores bit for bit: same place codes,
same weight rows, same order of additions."""

import random

import numpy as np
import pytest

from newstrace.quotes import emit, features as F, tagger
from newstrace.quotes.features import tokenize

TEXTS = [
    "",
    "x",
    ":",
    "\n\n“",
    "Intro line.\n“Émile Zola said: it rains,” he noted.\nThe end",
    'He said: "a|b" and |x| and wrc=1|n.',
    "ÉCOLE Über said “A”\n'B'",
    "Prices rose, according to The Harbour Ledger. According to  Dana Whitlock, they will fall.",
    "according to\nThe Ledger, and according to the Bank of the North’s chief, Ola Brennick's deputy said so.",
    '"We will reopen the bridge by Friday," said Mara Quillon, the county engineer. "Not a day later."',
    "The mayor told reporters: the budget would shrink. She added that taxes would not rise; he disagreed.",
    "\"Nested 'inner quote' here,\" the clerk wrote.\n\n\"Next paragraph,\" she insisted. \"And more.\"",
    "A sentence with no cue at all. Another one. And a third with numbers 12 and 2024 in it.",
    "ΣΟΦΙΑ ΠΑΠΑ said ΟΚ. Ärzte warnten: „Das ist gefährlich“, sagte Dr. Jürgen Müller.",
    "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen said "
    "seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three " * 4,
]


def _pair(text):
    toks = tokenize(text)
    ts, pw = tagger._type_scores(), tagger._place_weights()
    rows = ts.words([text[s:e] for s, e in toks])
    if not toks:
        return None, None
    return emit.emit(text, toks, rows, ts, pw), tagger._emissions_numpy(text, toks, rows, ts, pw)


@pytest.mark.parametrize("text", TEXTS)
def test_compiled_pass_equals_the_numpy_path(text):
    got, want = _pair(text)
    if got is None:
        assert tagger.emissions(text, tokenize(text)).shape == (0, len(tagger._crf().labels))
        return
    assert got.shape == want.shape
    assert np.array_equal(got, want)


def test_shuffled_words_and_marks_equal_too():
    """Random texts from the words and marks the place features react to: every code path of the pass."""
    rng = random.Random(11)
    vocab = ("said told according to The Bank of Ola Brennick ’s 's he she they : ; , . \n \n\n \" “ ” ' ‘ ’ ( ) "
             "noted claims warned added Über ÉCOLE rain 2024 12 reporters spokesman").split(" ")
    vocab += ["\n", "\n\n", " "]
    for _ in range(300):
        text = "".join(rng.choice(vocab) + rng.choice(("", " ", " ", "  ", "\n")) for _ in range(rng.randint(1, 60)))
        got, want = _pair(text)
        if got is not None:
            assert np.array_equal(got, want), text


def test_the_pass_is_compiled_and_in_use():
    assert emit.COMPILED and tagger.EMIT_COMPILED
    assert emit._STRONG == F.STRONG
    assert emit.EMIT_CODES[:4] == ("cls", "lv", "bits", "wid")  # what features.Place takes as codes
