"""The compiled scanner (newstrace.scan) finds exactly the regex tokenizers' spans, and its hashes name tokens."""

import random
import re

import numpy as np

from newstrace.quotes.features import TOKEN_RE, tokenize
from newstrace.scan import SPACE, WORD, HashIds, TypeRows, char_classes, code_points, hash_words, scan
from newstrace.tokens import WORD_RE

# characters that test every branch: word characters of several scripts and kinds (letters, marks, digits of other
# scripts, superscripts, numerals, "_"), the four joiners, spaces of several kinds, a lone surrogate, emoji,
# punctuation and quote marks
ALPHABET = list("ab Z9_'’.-\n\t \u00a0\u2019\u0301é٣²ⅷ\U0001F600\ud800\u200b\u3000\x1c,;:\"“”‐") + [
    "said", "U.S.", "don't", "al-Qassam", "3.5", "’s", "--", "..", "'-"]


def _spans(starts, ends):
    return list(zip(starts.tolist(), ends.tolist()))


def test_character_classes_are_the_regexes_own():
    cls = char_classes()
    rng = random.Random(3)
    for c in [*range(0, 0x3000), *rng.sample(range(0x3000, 0x110000), 20000)]:
        ch = chr(c)
        assert bool(cls[c] & WORD) == bool(re.fullmatch(r"\w", ch)), hex(c)
        assert bool(cls[c] & SPACE) == bool(re.fullmatch(r"\s", ch)), hex(c)


def test_spans_equal_the_regex_tokenizers_on_random_text():
    rng = random.Random(7)
    for _ in range(4000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 50)))
        starts, ends, hashes = scan(text)
        assert _spans(starts, ends) == [m.span() for m in TOKEN_RE.finditer(text)], repr(text)
        assert _spans(starts, ends) == tokenize(text)
        w_starts, w_ends, _ = scan(text, punct=False)
        assert _spans(w_starts, w_ends) == [m.span() for m in WORD_RE.finditer(text)], repr(text)
        assert len(hashes) == len(starts) and (hashes != 0).all()


def test_equal_tokens_have_equal_hashes_and_hash_words_agrees():
    text = "Said said, “said” — Mara’s said.\nSaid"
    starts, ends, hashes = scan(text)
    words = [text[s:e] for s, e in _spans(starts, ends)]
    assert np.array_equal(hash_words(words), hashes)
    by_word = {}
    for w, h in zip(words, hashes.tolist()):
        assert by_word.setdefault(w, h) == h
    assert len(set(by_word.values())) == len(by_word)  # distinct tokens, distinct hashes (here)
    assert len(hash_words([])) == 0
    assert code_points("a\ud800b").tolist() == [0x61, 0xD800, 0x62]


def test_hash_ids_find_what_was_put_through_growth():
    ids = HashIds(size=8)
    keys = hash_words([f"w{i}" for i in range(1000)])
    ids.put(keys[:3], np.arange(1, 4))
    for k in range(3, 1000, 97):  # grows several times
        ids.put(keys[k:k + 97], np.arange(k + 1, k + 1 + len(keys[k:k + 97])))
    out = np.empty(1001, np.int64)
    probe = np.concatenate([keys, hash_words(["absent"])])
    assert ids.get(probe, out) == 1
    assert out[:1000].tolist() == list(range(1, 1001)) and out[1000] == 0
    assert ids.n == 1000 and len(ids.keys) >= 2000


class _Words(TypeRows):
    """A type table that keeps each type's string (what the tagger's and the story features' tables hold more of)."""

    MAX_TYPES = 50

    def __init__(self):
        self._reset()

    def _reset(self):
        self.ids, self.n, self.words, self.resets = HashIds(), 1, [""], getattr(self, "resets", -1) + 1

    def _add(self, words, hashes):
        self.words.extend(words)
        self.ids.put(hashes, np.arange(self.n, self.n + len(words)))
        self.n += len(words)


def test_type_rows_add_new_types_once_in_order_of_first_use_and_start_again_when_full():
    rng = random.Random(5)
    table, texts = _Words(), []
    for _ in range(60):  # texts of 1-30 tokens drawn from 80 types, many repeated within a text
        texts.append([f"t{rng.randrange(80)}" for _ in range(rng.randrange(1, 31))])
    texts.append([])
    held: list[str] = [""]
    for toks in texts:
        seen = dict.fromkeys(toks)
        new = [w for w in seen if w not in held]
        if table.n + len(toks) > table.MAX_TYPES and new:  # the reference: a table that starts again when full
            held, new = [""], list(seen)
        held += new
        rows = table.rows(hash_words(toks), toks.__getitem__)
        assert table.words == held
        assert [table.words[r] for r in rows.tolist()] == toks
        assert not table._seen.any()  # the scratch is left empty for the next text
    assert table.resets >= 3
