"""Story similarity and stories: do two articles report the same event, and which articles form one story.

Two articles can tell the same story without sharing a sentence, so the score looks at what the story is
*about*, not at copied text:

* content words (stems of non-stopwords), weighted by rarity (idf over the corpus at hand);
* named things approximated cheaply: capitalised word sequences (people, places, organisations), numbers and
  dates, also weighted by rarity;
* publication-time proximity: a story rarely spans more than a few weeks.

The kernels are pure: :func:`story_features` turns a text into a :class:`StoryFeatures`, :class:`DocFreq` counts
document frequencies, :func:`story_similarity` scores a pair, and :class:`StoryClusterer` assigns articles to
stories incrementally (an article's story never changes when later articles arrive; optionally a newcomer
that bridges two stories merges them under the older id).

>>> a = story_features("Acme Corp will build a 40 MW solar farm in Nevada, Acme said on Monday.", id="a")
>>> b = story_features("Nevada approved Acme Corp's 40 MW solar farm.", id="b")
>>> story_similarity(a, b) > story_similarity(a, story_features("Rain fell in Oslo on Tuesday.", id="c"))
True
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Iterable, Mapping

import numpy as np

from .errors import ConfigError
from .scan import (_FNV_OFFSET, _FNV_PRIME, HashIds, TypeRows, _finish, _put, _slot, char_classes, code_points,
                   hash_words, scan)
from .model import Article
from .tokens import STOPWORDS, stem

__all__ = [
    "DEFAULT_STORY_THRESHOLD",
    "DocFreq",
    "StoryClusterer",
    "StoryFeatures",
    "StorySettings",
    "article_story_features",
    "same_story",
    "story_features",
    "story_similarity",
]

# Default same-story threshold on :func:`story_similarity`. Chosen on PolNeAR, never on story-chains (the
# evaluation set): see ``bench/stories.py --calibrate`` and the note on StorySettings.
DEFAULT_STORY_THRESHOLD = 0.22

# Below this many documents the corpus idf is meaningless (with two articles every shared word has df = 2, so
# rarity would punish exactly the words they share); flat weights are used instead.
MIN_DOCS_FOR_IDF = 10

# Month names: a capitalised month followed by a number is a date entity ("June 14").
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
_DIGIT = re.compile(r"\d")
# Capitalised words that are not names even mid-sentence.
_NOT_NAMES = STOPWORDS | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mr", "mrs",
                          "ms", "dr", "i"}


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Weights of the story-similarity score (documented defaults; see bench/stories.py for how they were set).

    ``entity_weight``: words and names share one tf-idf vector (one cosine); a name's entry is scaled by this.
    0.5 because every word of a name is already in the word part, so a name then weighs about 1.5 plain words
    (names and numbers pin the event; counting them at full weight twice would let one name swamp the topic).
    ``title_repeat``: a headline's words count this many extra times (a headline is the article's own summary).
    ``time_grace_days``, ``time_scale_days``: no penalty for a gap up to the grace, then the score decays as
    ``exp(-(gap - grace) / scale)`` down to ``time_floor``. A running story is reported over days to a few weeks
    (news-cycle literature: most coverage of an event falls within a week), so grace 3 days, scale 14 days, and a
    floor of 0.5 so a strong textual match weeks apart still counts.
    ``threshold``: see :data:`DEFAULT_STORY_THRESHOLD`.
    """

    entity_weight: float = 0.5
    title_repeat: int = 1
    time_grace_days: float = 3.0
    time_scale_days: float = 14.0
    time_floor: float = 0.5
    threshold: float = DEFAULT_STORY_THRESHOLD

    def __post_init__(self) -> None:
        if not 0.0 <= self.entity_weight <= 1.0:
            raise ConfigError(f"entity_weight must be in [0, 1], got {self.entity_weight}")
        if not 0.0 <= self.time_floor <= 1.0:
            raise ConfigError(f"time_floor must be in [0, 1], got {self.time_floor}")
        if self.time_scale_days <= 0:
            raise ConfigError(f"time_scale_days must be positive, got {self.time_scale_days}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in [0, 1], got {self.threshold}")


DEFAULT_STORY_SETTINGS = StorySettings()


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What a story is about: content-stem counts, entity counts, and the publication date (or None)."""

    id: str
    words: Mapping[str, int]
    entities: Mapping[str, int]
    published: dt.date | None = None


def _as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


# The flags of a word type (:class:`_WordTypes`), also read by the compiled entity reading (module constants, so
# that numba takes them as compile-time values). MONTH: the name form is a month's.
_LOWER, _NUMBER, _CAPITAL, _NOT_NAME, _MONTH = 1, 4, 8, 16, 32


class _WordTypes(TypeRows):
    """What the story features need of each word type, by the 64-bit hash of its characters (the tokens of
    :func:`newstrace.scan.scan`, words only: :data:`newstrace.tokens.WORD_RE`'s): its content stem (as an id into
    ``stems``, 0 for no content word) and its entity flags and lower-case form.

    Session 17: the features were a regex pass for the words and the gaps between them, a string and a dict probe
    per word for its stem, and a Counter over strings: 0.54 ms an article of bench/scale.py's news, warm. Now one
    compiled scan and probe per word, and strings only of the word types not met before and of the names: 0.42
    ms. Two types share an entry only when their 64-bit hashes are equal (~1e-8 among
    the :data:`MAX_TYPES` held)."""

    MAX_TYPES = 500_000  # then the table starts again (never in the middle of a text)
    LOWER, NUMBER, CAPITAL, NOT_NAME, MONTH = _LOWER, _NUMBER, _CAPITAL, _NOT_NAME, _MONTH

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.ids = HashIds()
        self.n = 1  # row 0: no type
        self.stem = np.zeros(4096, np.int64)
        self.flags = np.zeros(4096, np.int64)
        self.low: list[str] = [""]  # lower case, a trailing possessive cut (the name form)
        self.low_hash = np.zeros(4096, np.uint64)  # hash of that form
        self.stems: list[str] = [""]
        self.stem_ids: dict[str, int] = {"": 0}
        self.stem_pos = np.full(4096, -1, np.int64)  # by stem id: -1 (the scratch of :func:`_stem_counts_py`)

    def _add(self, words: list[str], hashes: np.ndarray) -> None:
        need = self.n + len(words)
        self.stem, self.flags, self.low_hash = (self._room(a, need) for a in (self.stem, self.flags, self.low_hash))
        stems, flags, lows = [], [], []
        for w in words:
            low = w.lower()
            st = stem(low) if low not in STOPWORDS and (len(low) > 2 or low.isdigit()) else ""
            sid = self.stem_ids.get(st)
            if sid is None:
                sid = self.stem_ids[st] = len(self.stems)
                self.stems.append(st)
            stems.append(sid)
            f = self.LOWER if w.islower() else 0
            if not w.isalpha() and _DIGIT.search(w) is not None:
                f |= self.NUMBER
            if w[0].isupper():
                f |= self.CAPITAL
            if "'" in low or "’" in low:
                low = low.removesuffix("'s").removesuffix("’s")
            if low in _NOT_NAMES:
                f |= self.NOT_NAME
            if low in _MONTHS:
                f |= self.MONTH
            flags.append(f)
            lows.append(low)
        if len(self.stems) > len(self.stem_pos):
            grown = np.full(2 * len(self.stems), -1, np.int64)
            grown[: len(self.stem_pos)] = self.stem_pos
            self.stem_pos = grown
        self.stem[self.n : need] = stems
        self.flags[self.n : need] = flags
        self.low.extend(lows)
        # a word that is its own name form has its own hash (scan's and hash_words's are one)
        low_hash = self.low_hash[self.n : need]
        low_hash[:] = hashes
        if other := [k for k, (w, low) in enumerate(zip(words, lows)) if low != w]:
            low_hash[other] = hash_words([lows[k] for k in other])
        self.ids.put(hashes, np.arange(self.n, need))
        self.n = need


_TYPES = _WordTypes()


def _words(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, hashes, type rows in :data:`_TYPES`, the text's code points) of the words of ``text``."""
    cp = code_points(text)
    starts, ends, hashes = scan(cp, punct=False)
    return starts, ends, hashes, _TYPES.rows(hashes, lambda i: text[starts[i]:ends[i]]), cp


def _content_stems(text: str, words: tuple | None = None) -> dict[str, int]:
    """Counts of the stems of the content words (no stopwords, three letters or more, or a number), in order of
    first use. ``words``: :func:`_words` of ``text``, when already made."""
    rows = (words or _words(text))[3]
    T = _TYPES
    ids = np.empty(len(rows), np.int64)
    cnt = np.empty(len(rows), np.int64)
    k = _stem_counts(rows, T.stem, T.stem_pos, ids, cnt)
    return dict(zip(map(T.stems.__getitem__, ids[:k].tolist()), cnt[:k].tolist()))


def _stem_counts_py(rows: np.ndarray, stem: np.ndarray, pos: np.ndarray, ids: np.ndarray, cnt: np.ndarray) -> int:
    """The content stems (``stem`` of each type row; 0: none) of the words ``rows`` as distinct stem ids in order
    of first use into ``ids`` and their counts into ``cnt``; returns how many. ``pos`` (by stem id, all -1) is
    scratch, left all -1 again. (Session 18: replaces ``np.unique`` and an argsort, ~0.1 ms an article.)"""
    k = 0
    for i in range(len(rows)):
        s = stem[rows[i]]
        if s == 0:
            continue
        p = pos[s]
        if p < 0:
            pos[s] = k
            ids[k] = s
            cnt[k] = 1
            k += 1
        else:
            cnt[p] += 1
    for j in range(k):
        pos[ids[j]] = -1
    return k


def _entities(text: str, words: tuple | None = None) -> list[str]:
    """Capitalised sequences, numbers and dates in ``text``, normalised (lower case, single spaces).

    A multi-word name also yields each of its words ("Alejandro Mayorkas" -> "alejandro mayorkas", "alejandro",
    "mayorkas"), so a later "Mayorkas" matches. A lone capitalised word that the text also uses in lower case
    ("Separately, ...") is a sentence opener, not a name. ``words``: :func:`_words` of ``text``, when already
    made.

    The reading is :func:`_entity_rows_py` (compiled), which gives each entity as the type rows of its words;
    only the strings of the entities are made here (session 18: the same reading as a Python loop over the
    words cost ~0.2 ms an article of bench/scale.py's news; tests/test_stories.py compares it with a plain
    regex reading).
    """
    starts, ends, hashes, rows, cp = words or _words(text)
    T = _TYPES
    n = len(rows)
    if not n:
        return []
    erows = np.empty(3 * n, np.int64)  # every word is in at most three entities (a run, itself, a date)
    bounds = np.empty(3 * n + 1, np.int64)
    k = _entity_rows(rows, T.flags, starts, ends, hashes, T.low_hash, cp, char_classes(), erows, bounds)
    low = T.low
    at = erows[: bounds[k]].tolist()
    b = bounds[: k + 1].tolist()
    return [low[at[b[j]]] if b[j + 1] - b[j] == 1 else " ".join([low[x] for x in at[b[j]:b[j + 1]]])
            for j in range(k)]


def _end_run_py(run: np.ndarray, nrun: int, tflags: np.ndarray, low_hash: np.ndarray, lower: np.ndarray,
                erows: np.ndarray, bounds: np.ndarray, q: int, k: int) -> tuple[int, int]:
    """The entities of a finished run of ``nrun`` rows (see :func:`_entity_rows_py`) into ``erows``/``bounds``
    from row ``q`` and entity ``k`` on; returns the new (q, k)."""
    if nrun == 1:
        h = low_hash[run[0]]
        at = np.searchsorted(lower, h)
        if not (at < len(lower) and lower[at] == h):  # not written in lower case elsewhere in the text
            erows[q] = run[0]
            q += 1
            k += 1
            bounds[k] = q
    elif nrun > 1:
        for j in range(nrun):
            erows[q] = run[j]
            q += 1
        k += 1
        bounds[k] = q
        for j in range(nrun):
            if not tflags[run[j]] & _MONTH:
                erows[q] = run[j]
                q += 1
                k += 1
                bounds[k] = q
    return q, k


def _entity_rows_py(rows: np.ndarray, tflags: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                    hashes: np.ndarray, low_hash: np.ndarray, cp: np.ndarray, cls: np.ndarray, erows: np.ndarray,
                    bounds: np.ndarray) -> int:
    """The entities of a text's words (type ``rows`` in :data:`_TYPES`, whose ``tflags`` and ``low_hash`` these
    are; the words' spans and hashes; the text's code points ``cp`` and :func:`newstrace.scan.char_classes`
    ``cls``), each as type rows ``erows[bounds[j]:bounds[j + 1]]`` to be joined by single spaces; returns how
    many. The reading: capitalised words (not :data:`_NOT_NAMES`) joined by white space without a newline make
    a run; a run of one word is kept unless the text also writes that word in lower case; a longer run yields
    itself, then each of its words that is not a month; a number ends the run and yields itself, and after a
    month just before it the month and the number first ("june 14")."""
    n = len(rows)
    m = 0
    for j in range(n):
        if tflags[rows[j]] & _LOWER:
            m += 1
    lower = np.empty(m, np.uint64)  # the hashes of the words the text writes in lower case, sorted
    m = 0
    for j in range(n):
        if tflags[rows[j]] & _LOWER:
            lower[m] = hashes[j]
            m += 1
    lower.sort()
    run = np.empty(n, np.int64)  # the rows of the run being read
    nrun = 0
    k = 0  # entities out
    q = 0  # rows out
    bounds[0] = 0
    last = -2
    for i in range(n):
        r = rows[i]
        f = tflags[r]
        if not f & (_NUMBER | _CAPITAL):
            continue
        number = f & _NUMBER
        if not number and f & _NOT_NAME:
            continue
        joined = False
        if last != i - 1:  # a skipped word came between
            q, k = _end_run(run, nrun, tflags, low_hash, lower, erows, bounds, q, k)
            nrun = 0
        else:  # joined: only white space between the two words, and no newline
            joined = True
            g0, g1 = ends[i - 1], starts[i]
            if not (g1 - g0 == 1 and cp[g0] == 32):
                for p in range(g0, g1):
                    if cp[p] == 10 or not cls[cp[p]] & 2:
                        joined = False
                        break
        last = i
        if number:
            if nrun and tflags[run[nrun - 1]] & _MONTH and joined:  # "June 14"
                erows[q] = run[nrun - 1]
                erows[q + 1] = r
                q += 2
                k += 1
                bounds[k] = q
                nrun -= 1
            q, k = _end_run(run, nrun, tflags, low_hash, lower, erows, bounds, q, k)
            nrun = 0
            erows[q] = r
            q += 1
            k += 1
            bounds[k] = q
        else:
            if nrun and not joined:  # punctuation between words ends a name
                q, k = _end_run(run, nrun, tflags, low_hash, lower, erows, bounds, q, k)
                nrun = 0
            run[nrun] = r
            nrun += 1
    q, k = _end_run(run, nrun, tflags, low_hash, lower, erows, bounds, q, k)
    return k


def story_features(text: str, *, id: str, title: str | None = None,
                   published: dt.date | dt.datetime | None = None,
                   settings: StorySettings = DEFAULT_STORY_SETTINGS) -> StoryFeatures:
    """The :class:`StoryFeatures` of one article's text (and headline, when known)."""
    split = _words(text)  # one tokenisation for both
    words = Counter(_content_stems(text, split))
    ents = Counter(_entities(text, split))
    if title:
        for _ in range(settings.title_repeat):
            words.update(_content_stems(title))
            ents.update(_entities(title))
    return StoryFeatures(id=id, words=dict(words), entities=dict(ents), published=_as_date(published))


def article_story_features(article: Article, *, settings: StorySettings = DEFAULT_STORY_SETTINGS) -> StoryFeatures:
    """:func:`story_features` of an :class:`~newstrace.model.Article`."""
    return story_features(article.text, id=article.id, title=article.title, published=article.published,
                          settings=settings)


@dataclass(slots=True)
class DocFreq:
    """Document frequencies of stems and entities over the corpus at hand; grows as articles arrive."""

    n_docs: int = 0
    words: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, features: Iterable[StoryFeatures]) -> "DocFreq":
        df = cls()
        for f in features:
            df.add(f)
        return df

    def add(self, f: StoryFeatures) -> None:
        self.n_docs += 1
        self.words.update(f.words.keys())
        self.entities.update(f.entities.keys())

    def idf(self, term: str, *, entity: bool) -> float:
        """Smoothed idf ``log((N + 1) / (df + 1)) + 1``; flat 1.0 while the corpus is too small to say."""
        if self.n_docs < MIN_DOCS_FOR_IDF:
            return 1.0
        df = (self.entities if entity else self.words).get(term, 0)
        return math.log((self.n_docs + 1) / (df + 1)) + 1.0


def _weights(counts: Mapping[str, int], df: DocFreq | None, entity: bool) -> dict[str, float]:
    out = {}
    for term, n in counts.items():
        idf = 1.0 if df is None else df.idf(term, entity=entity)
        out[term] = (1.0 + math.log(n)) * idf
    return out


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    if dot == 0.0:
        return 0.0
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return min(1.0, dot / (na * nb))


def time_factor(a: dt.date | None, b: dt.date | None, settings: StorySettings = DEFAULT_STORY_SETTINGS) -> float:
    """1.0 for articles close in time (or with a date missing), decaying to ``time_floor`` for distant ones."""
    if a is None or b is None:
        return 1.0
    gap = abs((a - b).days) - settings.time_grace_days
    if gap <= 0:
        return 1.0
    return settings.time_floor + (1.0 - settings.time_floor) * math.exp(-gap / settings.time_scale_days)


def _features(x: StoryFeatures | Article, settings: StorySettings) -> StoryFeatures:
    return x if isinstance(x, StoryFeatures) else article_story_features(x, settings=settings)


def story_similarity(a: StoryFeatures | Article, b: StoryFeatures | Article, *, df: DocFreq | None = None,
                     settings: StorySettings = DEFAULT_STORY_SETTINGS) -> float:
    """Story similarity in [0, 1]: cosine of rarity-weighted words and names, damped by the time between them.

    Takes :class:`StoryFeatures` or :class:`~newstrace.model.Article`; ``df`` gives idf from the corpus at hand
    (without it, or below MIN_DOCS_FOR_IDF documents, every word and name weighs the same).
    """
    a, b = _features(a, settings), _features(b, settings)
    wa, wb = _weights(a.words, df, False), _weights(b.words, df, False)
    ea, eb = _weights(a.entities, df, True), _weights(b.entities, df, True)
    k = settings.entity_weight
    text = _cosine({**wa, **{"\0" + t: k * w for t, w in ea.items()}},
                   {**wb, **{"\0" + t: k * w for t, w in eb.items()}})
    return text * time_factor(a.published, b.published, settings)


def same_story(a: StoryFeatures | Article, b: StoryFeatures | Article, *, df: DocFreq | None = None,
               settings: StorySettings = DEFAULT_STORY_SETTINGS) -> bool:
    """Whether two articles report the same story (similarity at or above ``settings.threshold``)."""
    return story_similarity(a, b, df=df, settings=settings) >= settings.threshold


# Each article is indexed under its this-many rarest-weighted terms; a newcomer is scored only against articles
# sharing one of its keys. 32 keeps recall of same-story pairs (they share many rare terms) while a key shared
# by everything (a stem of the corpus topic) is skipped by :data:`KEY_MAX_SHARE`.
CANDIDATE_KEYS = 32
# A key held by more than this share of the corpus (once it has MIN_DOCS_FOR_IDF documents) finds no candidates.
KEY_MAX_SHARE = 0.2
# Each key remembers only its most recent holders (arrival order): a newcomer is compared with at most this many
# articles per key, so adding one costs the same at a million articles as at a thousand (the clusterer is
# linear). Stories are told over days to weeks, and a key shared by more than this many earlier articles of
# one story still reaches the story through the recent ones. 64: at 100k generated articles the mean
# candidate set stays under a few hundred (bench/scale.py); story-chains (100 articles) never reaches the cap.
KEY_RECENT = 64
# A newcomer is scored against at most this many of its candidates, those sharing the most keys with it (a
# same-story article shares many rare terms, a chance candidate one or two), so a common key cannot make one
# addition cost thousands of comparisons. At 10k generated articles (bench/scale.py corpus) 64 keeps 95% of the
# same-story pairs an uncapped clusterer finds (128: 97%) at 0.96 ms per article (128: 1.3 ms); story-chains
# (100 articles) gives the same pairwise F1 either way.
MAX_SCORED = 64
_NO_DAY = -(2**31)  # ordinal of a missing publication date
# The clusterer's per-term values read together for every term of every candidate (see _cosines_py): log(df + 1),
# the term's position in the newcomer being scored (-1: not one of its terms) and whether it is a name.
_TERM_INFO = np.dtype([("logdf", np.float64), ("lut", np.int32), ("name", np.int32)], align=True)
_LOG_TF = np.concatenate(([0.0], 1.0 + np.log(np.arange(1, 65536, dtype=np.float64))))  # 1 + log n by count


class _Growing:
    """A growable 1-d numpy buffer (amortised appends; ``view`` is the filled part)."""

    def __init__(self, dtype: type, data: np.ndarray | None = None):
        self.buf = np.zeros(256, dtype) if data is None else np.array(data, dtype)
        self.n = 0 if data is None else len(data)

    def extend(self, values: np.ndarray) -> None:
        need = self.n + len(values)
        self.reserve(len(values))
        self.buf[self.n:need] = values
        self.n = need

    def reserve(self, more: int) -> None:
        """Room for ``more`` values past ``n`` in ``buf`` (written there directly, then ``n`` moved)."""
        need = self.n + more
        if need > len(self.buf):
            grown = np.zeros(max(need, 2 * len(self.buf)), self.buf.dtype)
            grown[:self.n] = self.buf[:self.n]
            self.buf = grown

    @property
    def view(self) -> np.ndarray:
        return self.buf[:self.n]


# -- terms as 64-bit hashes in a compiled open-addressing table -------------------------------------------
#
# The clusterer numbers every distinct term it meets (about ten a new article: ~10M at 1M articles of
# bench/scale.py's, nine in ten of them names). Two Python dicts of strings held them until session 16: a probe a
# term through the interpreter (~0.42 us each, a cache miss in a dictionary of millions, ~120 us an article of
# ~280 terms) and ~100 bytes a term. Here a term is the 64-bit hash of its UTF-8 bytes, found or added in one
# compiled pass over an article's terms, in a table of 12 bytes a slot kept at most half full: 24-48 bytes a term.
# Two distinct terms get one id only when their 64-bit hashes are equal (about 3e-6 that any two do among 10M
# terms); they would then count as one term, which changes a similarity slightly and nothing else.


def _hash_terms_py(buf: np.ndarray, nw: int, out: np.ndarray) -> int:
    """The hash of each term of ``buf`` (UTF-8, terms separated by NUL; the first ``nw`` are word stems, the rest
    names) into ``out``: FNV-1a over the kind and the bytes, then :func:`newstrace.scan._finish_py` (never 0, the
    empty slot's mark). Returns the number of terms met (one more than the NULs)."""
    prime = np.uint64(_FNV_PRIME)
    t = 0
    h = (np.uint64(_FNV_OFFSET) ^ np.uint64(1 if nw > 0 else 2)) * prime
    for q in range(len(buf) + 1):
        if q == len(buf) or buf[q] == 0:
            if t < len(out):
                out[t] = _finish(h)
            t += 1
            h = (np.uint64(_FNV_OFFSET) ^ np.uint64(1 if t < nw else 2)) * prime
        else:
            h = (h ^ np.uint64(buf[q])) * prime
    return t


def _hashes(words: list[str], names: list[str]) -> np.ndarray:
    """The hashes of word stems, then of names (:func:`_hash_terms_py`), for a term list of any size."""
    n = len(words) + len(names)
    out = np.empty(n, np.uint64)
    if n == 0:
        return out
    joined = "\0".join(words + names)
    if joined.count("\0") == n - 1:
        _hash_terms(np.frombuffer(joined.encode("utf-8", "surrogatepass"), np.uint8), len(words), out)
        return out
    for i, t in enumerate(words + names):  # a term holding NUL (never from story_features): one at a time,
        # hashed up to its first NUL
        _hash_terms(np.frombuffer(t.encode("utf-8", "surrogatepass"), np.uint8), 1 if i < len(words) else 0,
                    out[i : i + 1])
    return out


def _article_terms_py(keys: np.ndarray, vals: np.ndarray, buf: np.ndarray, nw: int, counts: np.ndarray,
                      first: int, fresh: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, int]:
    """An article's terms (``buf`` as :func:`_hash_terms_py` takes it, ``counts`` one each) as (ascending term
    ids, their counts capped at 65535, how many ids were new, the number of terms in ``buf``); new terms get
    ids ``first``, ``first + 1``, ... in order and ``fresh`` their positions. Nothing is done when ``buf``
    does not hold ``len(counts)`` terms."""
    n = len(counts)
    hashes = np.empty(n, np.uint64)
    met = _hash_terms(buf, nw, hashes)
    if met != n:
        return np.empty(0, np.int32), np.empty(0, np.uint16), 0, met
    got = np.empty(n, np.int32)
    new = _table_ids(keys, vals, hashes, first, got, fresh)
    order = np.argsort(got)
    ids = np.empty(n, np.int32)
    out = np.empty(n, np.uint16)
    m = 0
    for i in range(n):
        t = got[order[i]]
        c = counts[order[i]]
        if m > 0 and ids[m - 1] == t:  # two terms with one hash (see _TermTable): one term, counts added
            c += out[m - 1]
            m -= 1
        ids[m] = t
        out[m] = min(c, 65535)
        m += 1
    return ids[:m], out[:m], new, met


def _table_ids_py(keys: np.ndarray, vals: np.ndarray, hashes: np.ndarray, first: int, out: np.ndarray,
                  fresh: np.ndarray) -> int:
    """The id of each hash in the table (``keys``/``vals``, a power of two long), adding the missing ones with
    ids ``first``, ``first + 1``, ... in order; ``fresh`` gets the positions that added one. Returns how many."""
    new = 0
    for i in range(len(hashes)):
        h = hashes[i]
        j = _slot(keys, h)
        if keys[j] == h:
            out[i] = vals[j]
        else:
            keys[j] = h
            vals[j] = first + new
            out[i] = first + new
            fresh[new] = i
            new += 1
    return new


class _TermTable:
    """Term hash -> term id (ids given in order of arrival, from 0)."""

    def __init__(self, hashes: np.ndarray | None = None):
        n = 0 if hashes is None else len(hashes)
        self._alloc(max(1024, 1 << (2 * n).bit_length()))
        self.n = n
        if n and _put(self.keys, self.vals, hashes, np.arange(n, dtype=np.int32)) != n:
            raise ValueError("story clusterer vocabulary holds a term twice")

    def _alloc(self, size: int) -> None:
        self.keys = np.zeros(size, np.uint64)
        self.vals = np.zeros(size, np.int32)

    def __len__(self) -> int:
        return self.n

    def reserve(self, more: int) -> None:
        """Room for ``more`` new terms (the table kept at most half full)."""
        if 2 * (self.n + more) > len(self.keys):
            held = self.keys != 0
            old_k, old_v = self.keys[held], self.vals[held]
            size = 2 * len(self.keys)
            while 2 * (self.n + more) > size:
                size *= 2
            self._alloc(size)
            _put(self.keys, self.vals, old_k, old_v)

    def article(self, words: Mapping[str, int], names: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray,
                                                                                   np.ndarray]:
        """(an article's ascending term ids, their counts, the positions of its new terms in ``words`` then
        ``names``), the new terms added."""
        n = len(words) + len(names)
        self.reserve(n)
        counts = np.fromiter(chain(words.values(), names.values()), np.int64, n)
        fresh = np.empty(n, np.int64)
        terms = [*words, *names]
        joined = "\0".join(terms)
        if n and joined.count("\0") == n - 1:  # (a term holding NUL, never from story_features, goes below)
            ids, cnt, new, _ = _article_terms(self.keys, self.vals,
                                              np.frombuffer(joined.encode("utf-8", "surrogatepass"), np.uint8),
                                              len(words), counts, self.n, fresh)
        else:
            got = np.empty(n, np.int32)
            new = _table_ids(self.keys, self.vals, _hashes(list(words), list(names)), self.n, got, fresh)
            ids, back = np.unique(got, return_inverse=True)
            cnt = np.minimum(np.bincount(back, weights=counts, minlength=len(ids)), 65535).astype(np.uint16)
        self.n += new
        return ids, cnt, fresh[:new]

    def hashes(self) -> np.ndarray:
        """Every term's hash in id order (the saved form)."""
        held = self.keys != 0
        out = np.zeros(self.n, np.uint64)
        out[self.vals[held]] = self.keys[held]
        return out


# -- the key index: each key term's latest holders -----------------------------------------------------------
#
# A chain per key term, newest holder first, in one pool of nodes (``node_art``: the article, ``node_next``: the
# next older node, -1 at the end): adding an article pushes a node on each of its keys' chains, and a chain is
# read no further than its ``recent`` newest nodes. Older nodes stay in the pool unread (12 bytes each, 32 an
# article: ~380 MB at 1M articles) and are left out of the saved state. Until session 16 this was a dict of
# Python lists, read and updated a key at a time through the interpreter (_candidates ~0.2 ms an article at 100k
# articles) and costing ~100 bytes a key beside the holders.


def _candidates_py(keys: np.ndarray, held: np.ndarray, head: np.ndarray, node_art: np.ndarray,
                   node_next: np.ndarray, limit: int, recent: int, max_scored: int) -> np.ndarray:
    """Earlier articles sharing a key whose holder count is at most ``limit``, each key's ``recent`` latest
    holders: at most ``max_scored``, those sharing the most keys (then the latest), ascending."""
    buf = np.empty(len(keys) * recent, np.int64)
    at = np.empty(len(keys), np.int64)  # the chains still walked: each one's next node
    live = 0
    for k in keys:
        if held[k] <= limit and head[k] >= 0:
            at[live] = head[k]
            live += 1
    # The chains are walked side by side, a node of each in turn: a node's address comes from the one before it,
    # so a chain walked alone waits out one cache miss after the other (its nodes are spread over a pool of
    # millions), while a node of each of the chains can be fetched at once. On run Z's 1M state with the nodes
    # in arrival order, as a run lays them: 243 us a call alone, 160 side by side (/work/scratch/s22/candb.py).
    # The holders come in another order, and are sorted below: the same result.
    m = 0
    step = 0
    while live > 0 and step < recent:
        j = 0
        while j < live:
            p = at[j]
            buf[m] = node_art[p]
            m += 1
            q = node_next[p]
            if q >= 0:
                at[j] = q
                j += 1
            else:  # this chain ends: the last one still walked takes its place
                live -= 1
                at[j] = at[live]
        step += 1
    found = np.sort(buf[:m])
    # distinct articles and how many keys each shares, as (shared << 40) | article
    both = np.empty(m, np.int64)
    u = 0
    i = 0
    while i < m:
        j = i
        while j + 1 < m and found[j + 1] == found[i]:
            j += 1
        both[u] = ((j - i + 1) << 40) | found[i]
        u += 1
        i = j + 1
    if u <= max_scored:
        out = np.empty(u, np.int64)
        for x in range(u):
            out[x] = both[x] & ((1 << 40) - 1)
        return out
    top = np.sort(both[:u])[u - max_scored :]  # the most shared keys, ties to the latest (larger) article
    out = np.empty(max_scored, np.int64)
    for x in range(max_scored):
        out[x] = top[x] & ((1 << 40) - 1)
    return np.sort(out)


def _push_py(keys: np.ndarray, held: np.ndarray, head: np.ndarray, node_art: np.ndarray, node_next: np.ndarray,
             n_nodes: int, me: int) -> int:
    """Article ``me`` becomes the newest holder of each of ``keys`` (the pool has room); returns the pool's new
    size."""
    for k in keys:
        held[k] += 1
        node_art[n_nodes] = me
        node_next[n_nodes] = head[k]
        head[k] = n_nodes
        n_nodes += 1
    return n_nodes


def _chains_py(head: np.ndarray, node_art: np.ndarray, node_next: np.ndarray, recent: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The saved form of the key index: keys ascending, each one's number of holders (at most ``recent``) and
    its holders oldest first, key after key."""
    nk = 0
    total = 0
    for k in range(len(head)):
        if head[k] >= 0:
            nk += 1
            c = 0
            p = head[k]
            while p >= 0 and c < recent:
                c += 1
                p = node_next[p]
            total += c
    keys = np.empty(nk, np.int64)
    lens = np.empty(nk, np.int64)
    holders = np.empty(total, np.int64)
    x = 0
    at = 0
    for k in range(len(head)):
        if head[k] >= 0:
            c = 0
            p = head[k]
            while p >= 0 and c < recent:
                c += 1
                p = node_next[p]
            keys[x] = k
            lens[x] = c
            p = head[k]
            for y in range(c - 1, -1, -1):
                holders[at + y] = node_art[p]
                p = node_next[p]
            at += c
            x += 1
    return keys, lens, holders


class StoryClusterer:
    """Assigns articles to stories as they arrive.

    A newcomer joins the story of the earlier article it is most similar to (:func:`story_similarity` with the
    document frequencies of the articles so far, this one included), when that similarity reaches the same-story
    threshold; otherwise it starts a story whose id is its own id. Assignments never change as articles arrive.
    With ``merge=True`` a newcomer that is the same story as articles of several stories merges them under the
    oldest id (single link: fewer split stories, but one bridging article can join two stories).

    Only articles sharing one of the newcomer's :data:`CANDIDATE_KEYS` rarest terms are scored, and per term only
    its :data:`KEY_RECENT` latest holders, so each addition costs about the same however large the corpus. The
    state is numpy arrays (terms as ids, counts as small integers): about 6 bytes per distinct term of an
    article, and :meth:`to_bytes` saves it without pickle.

    >>> c = StoryClusterer()
    >>> c.add(story_features("Acme opens a Nevada solar farm.", id="a"))
    'a'
    """

    def __init__(self, *, settings: StorySettings = DEFAULT_STORY_SETTINGS, merge: bool = False,
                 recent: int = KEY_RECENT):
        if recent < 1:
            raise ConfigError(f"recent must be at least 1, got {recent}")
        self.settings, self.merge, self.recent = settings, merge, recent
        self.n_docs = 0
        # term ids of word stems and of names, one numbering for both, by the terms' 64-bit hashes (saved as the
        # hashes in id order; see _TermTable)
        self._vocab = _TermTable()
        self._df = _Growing(np.int64)  # documents holding each term id
        self._entity = _Growing(np.bool_)  # whether each term id is a name
        self._held = _Growing(np.int64)  # articles keyed under each term id
        self._ids: list[str] = []  # article index -> id
        self._pos: dict[str, int] = {}
        self._parent: list[int] = []
        self._day = _Growing(np.int64)  # publication date ordinal per article, _NO_DAY when unknown
        self._off = _Growing(np.int64, np.zeros(1, np.int64))  # article i's terms: [off[i], off[i + 1])
        self._terms = _Growing(np.int32)  # term ids, ascending within an article
        self._counts = _Growing(np.uint16)  # their counts (capped at 65535)
        self._head = _Growing(np.int64)  # key term id -> its chain's newest node, -1: none (see _candidates_py)
        self._node_art = _Growing(np.int32)
        self._node_next = _Growing(np.int64)
        self._log1_table = np.empty(0)
        self._derive()

    def _derive(self) -> None:
        """Per-term values computed from the saved ones, in one record a term (:data:`_TERM_INFO`): ``log(df + 1)``,
        whether it is a name (weight scale ``entity_weight``, else 1) and the position table :meth:`_similarities`
        uses (all -1 between calls)."""
        info = np.zeros(self._df.n, _TERM_INFO)
        df = self._df.view
        info["logdf"] = self._log1(int(df.max()) if len(df) else 0)[df]  # the values _newcomer_py stores
        info["lut"] = -1
        info["name"] = self._entity.view
        self._info = _Growing(_TERM_INFO, info)

    def _derived_extend(self, names: np.ndarray) -> None:
        fresh = np.zeros(len(names), _TERM_INFO)  # logdf: log(0 + 1)
        fresh["lut"] = -1
        fresh["name"] = names
        self._info.extend(fresh)

    def _scale(self, ids: np.ndarray) -> np.ndarray:
        """The weight scale of each term id: ``entity_weight`` for names, 1 for words."""
        return np.where(self._info.buf["name"][ids] != 0, self.settings.entity_weight, 1.0)

    # -- union-find over article indices ------------------------------------------------------------------

    def _find(self, i: int) -> int:
        root = i
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[i] != root:
            self._parent[i], i = root, self._parent[i]
        return root

    # -- terms and weights --------------------------------------------------------------------------------

    def _term_ids(self, f: StoryFeatures) -> tuple[np.ndarray, np.ndarray]:
        """Sorted term ids of ``f`` and their counts; new terms get ids (words first, then names, each in the
        order of ``f``)."""
        ids, counts, fresh = self._vocab.article(f.words, f.entities)
        if len(fresh):
            self._df.extend(np.zeros(len(fresh), np.int64))
            self._held.extend(np.zeros(len(fresh), np.int64))
            self._head.extend(np.full(len(fresh), -1, np.int64))
            names = fresh >= len(f.words)
            self._entity.extend(names)
            self._derived_extend(names)
        return ids, counts

    def _idf(self, ids: np.ndarray) -> np.ndarray:
        """:meth:`DocFreq.idf` of term ids at the current document count, vectorised: ``log((N + 1) / (df + 1))
        + 1`` is ``log(N + 1) + 1 - log(df + 1)``, and ``log(df + 1)`` is kept per term (it changes only for the
        terms of each newcomer), so a score costs no logarithm of its candidates' terms."""
        n = self.n_docs
        if n < MIN_DOCS_FOR_IDF:
            return np.ones(len(ids))
        return (math.log(n + 1) + 1.0) - self._info.buf["logdf"][ids]

    def _weights(self, ids: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rarity weight ``(1 + log n) * idf``, the same with names scaled by ``entity_weight``): what
        :func:`_newcomer_py` computes while it adds an article."""
        raw = _LOG_TF[counts] * self._idf(ids)
        return raw, raw * self._scale(ids)

    def _log1(self, n: int) -> np.ndarray:
        """``log(d + 1)`` for every document count ``d`` up to ``n``, by numpy's ``log``: the one source of a
        term's value, whether it is computed while adding (:func:`_newcomer_py`) or on loading a saved state
        (:meth:`_derive`)."""
        if len(self._log1_table) <= n:
            size = max(1024, 1 << (n + 1).bit_length())
            self._log1_table = np.log(np.arange(size, dtype=np.float64) + 1.0)
        return self._log1_table

    def _candidates(self, keys: np.ndarray) -> np.ndarray:
        """Earlier articles sharing a key: at most :data:`MAX_SCORED`, those sharing the most keys (then the
        latest)."""
        limit = max(1, int(KEY_MAX_SHARE * self.n_docs)) if self.n_docs >= MIN_DOCS_FOR_IDF else 2**62
        return _candidates(keys, self._held.buf, self._head.buf, self._node_art.buf, self._node_next.buf, limit,
                           self.recent, MAX_SCORED)

    def _similarities(self, ids: np.ndarray, w: np.ndarray, day: int, cands: np.ndarray) -> np.ndarray:
        """:func:`story_similarity` of the newcomer (sorted term ``ids``, combined weights ``w``) with each of
        ``cands``: one compiled pass over their terms (:func:`_cosines`), not a loop of numpy calls."""
        if not len(ids):
            return np.zeros(len(cands))
        n = self.n_docs
        use_idf = n >= MIN_DOCS_FOR_IDF
        lut = self._info.buf["lut"]  # term id -> position in the newcomer's terms, -1 elsewhere (reset below)
        lut[ids] = np.arange(len(ids), dtype=np.int32)
        try:
            cos = _cosines(self._off.buf, self._terms.buf, self._counts.buf, cands, self._info.buf,
                           float(self.settings.entity_weight), _LOG_TF, (math.log(n + 1) + 1.0) if use_idf else 0.0,
                           use_idf, w, math.sqrt(float(w @ w)))
        finally:
            lut[ids] = -1
        if day == _NO_DAY:
            return cos
        days = self._day.view[cands]
        s = self.settings
        gap = np.abs(days - day) - s.time_grace_days
        factor = np.where((days == _NO_DAY) | (gap <= 0), 1.0,
                          s.time_floor + (1.0 - s.time_floor) * np.exp(-np.maximum(gap, 0) / s.time_scale_days))
        return cos * factor

    # -- adding -------------------------------------------------------------------------------------------

    def add(self, f: StoryFeatures) -> str:
        """Add one article; returns the id of its story."""
        if f.id in self._pos:
            return self.story_of(f.id)
        ids, counts = self._term_ids(f)
        self.n_docs += 1
        n = self.n_docs
        raw, w = np.empty(len(ids)), np.empty(len(ids))
        keys = _newcomer(ids, counts, self._df.buf, self._info.buf, self._log1(n), _LOG_TF, math.log(n + 1) + 1.0,
                         n >= MIN_DOCS_FOR_IDF, float(self.settings.entity_weight), raw, w, CANDIDATE_KEYS)
        day = f.published.toordinal() if f.published is not None else _NO_DAY
        cands = self._candidates(keys)
        me = len(self._ids)
        self._ids.append(f.id)
        self._pos[f.id] = me
        self._parent.append(me)
        self._day.extend(np.array([day], np.int64))
        self._terms.extend(ids)
        self._counts.extend(counts)
        self._off.extend(np.array([self._terms.n], np.int64))
        if len(cands):
            sims = self._similarities(ids, w, day, cands)
            ok = sims >= self.settings.threshold
            if ok.any():
                if not self.merge:  # the most similar earlier article, ties to the larger id (as max() of pairs)
                    top = sims[ok].max()
                    best = max(self._ids[i] for i in cands[ok & (sims == top)].tolist())
                    self._parent[me] = self._find(self._pos[best])
                else:
                    roots = {self._find(i) for i in cands[ok].tolist()}
                    root = min(roots)  # indices are arrival order: the oldest story
                    for r in roots:
                        self._parent[r] = root
                    self._parent[me] = root
        self._node_art.reserve(len(keys))
        self._node_next.reserve(len(keys))
        n = _push(keys, self._held.buf, self._head.buf, self._node_art.buf, self._node_next.buf, self._node_art.n,
                  me)
        self._node_art.n = self._node_next.n = n
        return self._ids[self._find(me)]

    def extend(self, features: Iterable[StoryFeatures]) -> None:
        for f in features:
            self.add(f)

    def story_of(self, article_id: str) -> str:
        return self._ids[self._find(self._pos[article_id])]

    def stories(self) -> dict[str, list[str]]:
        """Story id -> article ids in arrival order."""
        out: dict[str, list[str]] = {}
        for i, aid in enumerate(self._ids):
            out.setdefault(self._ids[self._find(i)], []).append(aid)
        return out

    def __len__(self) -> int:
        return len(self._ids)

    # -- saving -------------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The whole state as an ``.npz`` archive (no pickle): :meth:`from_bytes` continues exactly from it."""
        import io

        out = io.BytesIO()
        self.write_to(out)
        return out.getvalue()

    def write_to(self, f: Any) -> None:
        """Write :meth:`to_bytes`'s archive to the binary file ``f``, which need not be seekable: at 1M articles
        the state is about 2.6 GB, and writing it to a pipe or to parts as it is made keeps a second copy out of
        memory. ``f`` is always written as a stream (zip data descriptors) and entries carry a fixed date, so one
        state always gives the same bytes."""
        import json
        import zipfile

        class Stream:  # write only: no tell or seek, whatever ``f`` is
            def write(self, b: bytes) -> int:
                return f.write(b)

            def flush(self) -> None:
                pass

        keys, lens, holders = _chains(self._head.view, self._node_art.view, self._node_next.view, self.recent)
        meta = {"settings": {k: getattr(self.settings, k) for k in self.settings.__slots__}, "merge": self.merge,
                "recent": self.recent, "n_docs": self.n_docs}
        arrays = {
            "meta": np.frombuffer(json.dumps(meta).encode(), np.uint8),
            "vocab_hash": self._vocab.hashes(),
            "ids": np.frombuffer(json.dumps(self._ids).encode(), np.uint8),
            "df": self._df.view, "entity": self._entity.view, "held": self._held.view,
            "parent": np.array(self._parent, np.int64), "day": self._day.view, "off": self._off.view,
            "terms": self._terms.view, "counts": self._counts.view,
            "index_keys": keys, "index_lens": lens, "index_holders": holders,
        }
        with zipfile.ZipFile(Stream(), "w", zipfile.ZIP_STORED, allowZip64=True) as z:
            for name, a in arrays.items():
                with z.open(zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0)), "w",
                            force_zip64=True) as out:
                    np.lib.format.write_array(out, a, allow_pickle=False)

    @classmethod
    def from_bytes(cls, blob: bytes) -> "StoryClusterer":
        """A clusterer saved by :meth:`to_bytes` (raises ValueError, KeyError or OSError on anything else)."""
        import io
        import json

        z = np.load(io.BytesIO(blob), allow_pickle=False)
        meta = json.loads(bytes(z["meta"]).decode())
        c = cls(settings=StorySettings(**meta["settings"]), merge=bool(meta["merge"]), recent=int(meta["recent"]))
        c.n_docs = int(meta["n_docs"])
        if "vocab_hash" in z:
            vocab = np.asarray(z["vocab_hash"], np.uint64)
        else:  # a state saved before session 16: the terms as strings, "w:" + stem or "e:" + name, in id order
            terms = json.loads(bytes(z["vocab"]).decode())
            if any(t[:2] not in ("w:", "e:") for t in terms):
                raise ValueError("story clusterer vocabulary holds a term that is neither a word nor a name")
            vocab = np.empty(len(terms), np.uint64)
            words = [i for i, t in enumerate(terms) if t[0] == "w"]
            names = [i for i, t in enumerate(terms) if t[0] == "e"]
            vocab[words + names] = _hashes([terms[i][2:] for i in words], [terms[i][2:] for i in names])
        c._vocab = _TermTable(vocab)
        c._ids = [str(a) for a in json.loads(bytes(z["ids"]).decode())]
        c._pos = {a: i for i, a in enumerate(c._ids)}
        c._parent = z["parent"].tolist()
        for name, dtype in (("df", np.int64), ("entity", np.bool_), ("held", np.int64), ("day", np.int64),
                            ("off", np.int64), ("terms", np.int32), ("counts", np.uint16)):
            setattr(c, "_" + name, _Growing(dtype, z[name]))
        c._derive()
        keys, lens = z["index_keys"], z["index_lens"]
        if len(keys) and not (np.all(keys[1:] > keys[:-1]) and lens.min() >= 0):
            raise ValueError("story clusterer index keys not in order")
        starts = np.zeros(len(keys) + 1, np.int64)
        np.cumsum(lens, out=starts[1:])
        holders = z["index_holders"]
        if int(starts[-1]) != len(holders):
            raise ValueError("inconsistent story clusterer index")
        if len(holders) and (holders.min() < 0 or holders.max() >= len(c._ids)) or (
                len(keys) and (keys[0] < 0 or keys[-1] >= len(vocab))):
            raise ValueError("story clusterer index out of range")
        # the chains, oldest holder first so each key's newest ends up at its head
        c._node_art = _Growing(np.int32, holders.astype(np.int32))
        nxt = np.arange(-1, len(holders) - 1, dtype=np.int64)
        nxt[starts[:-1][lens > 0]] = -1
        c._node_next = _Growing(np.int64, nxt)
        head = np.full(len(vocab), -1, np.int64)
        head[keys[lens > 0]] = starts[1:][lens > 0] - 1
        c._head = _Growing(np.int64, head)
        if not (len(vocab) == c._df.n == c._entity.n == c._held.n and len(c._ids) == len(c._parent) ==
                c._day.n == c._off.n - 1 and c._terms.n == c._counts.n == int(c._off.view[-1])):
            raise ValueError("inconsistent story clusterer state")
        return c


def _newcomer_py(ids: np.ndarray, counts: np.ndarray, df: np.ndarray, info: np.ndarray, log1: np.ndarray,
                 log_tf: np.ndarray, idf_base: float, use_idf: bool, name_weight: float, raw: np.ndarray,
                 w: np.ndarray, n_keys: int) -> np.ndarray:
    """The newcomer's (distinct term ``ids``, their ``counts``) share of :meth:`StoryClusterer.add`, in one pass
    over its terms: each term's document count up by one and its ``log(df + 1)`` (``log1[df]``) stored, then
    its rarity weight ``raw`` (``(1 + log count) * idf``) and combined weight ``w`` (names scaled by
    ``name_weight``). Returns its ``n_keys`` key terms: the largest ``raw`` first, ties to the smaller id (``ids``
    are ascending, the sort stable). The same operations on the same values as the numpy lines it replaced (a
    gather and a scatter each, five passes over the newcomer's terms, which are spread over tables of millions:
    ~14% of an addition at 200k articles; 64 against 27 us an article on run Z's 1M state,
    /work/scratch/s22/newb.py), so the weights are the same to the bit."""
    for k in range(len(ids)):
        t = ids[k]
        d = df[t] + 1
        df[t] = d
        lg = log1[d]
        info[t].logdf = lg
        r = log_tf[counts[k]] * (idf_base - lg if use_idf else 1.0)
        raw[k] = r
        w[k] = r * (name_weight if info[t].name != 0 else 1.0)
    return ids[np.argsort(-raw, kind="mergesort")[:n_keys]]


def _cosines_py(off: np.ndarray, terms: np.ndarray, counts: np.ndarray, cands: np.ndarray, info: np.ndarray,
                name_weight: float, log_tf: np.ndarray, idf_base: float, use_idf: bool, w: np.ndarray, nx: float
                ) -> np.ndarray:
    """Cosine of the newcomer (weights ``w``, its terms' positions in ``info``'s ``lut``, norm ``nx``) with each
    candidate article, whose term weights are ``(1 + log count) * idf * scale`` computed on the fly; the same
    operations in the same order as the numpy formulation it replaced (gather, ``bincount`` per candidate), so
    the clustering is unchanged (tests/test_stories.py). A candidate term's three values are one record
    (:data:`_TERM_INFO`), one memory access: as three arrays they were three cache misses a term once the
    vocabulary outgrows the cache (millions of terms at 1M articles)."""
    out = np.zeros(len(cands))
    for c in range(len(cands)):
        i = cands[c]
        norm = 0.0
        dot = 0.0
        for p in range(off[i], off[i + 1]):
            r = info[terms[p]]
            idf = idf_base - r.logdf if use_idf else 1.0
            cw = log_tf[counts[p]] * idf * (name_weight if r.name else 1.0)
            norm += cw * cw
            if r.lut >= 0:
                dot += cw * w[r.lut]
        norm = math.sqrt(norm)
        if dot > 0 and norm > 0:
            out[c] = min(1.0, dot / (nx * norm))
    return out


try:  # compiled when numba is present (a dependency; cached on disk after the first run)
    from numba import njit

    _cosines = njit(cache=True, nogil=True)(_cosines_py)
    _newcomer = njit(cache=True, nogil=True)(_newcomer_py)
    _end_run = njit(cache=True, nogil=True, inline="always")(_end_run_py)
    _entity_rows = njit(cache=True, nogil=True)(_entity_rows_py)
    _stem_counts = njit(cache=True, nogil=True)(_stem_counts_py)
    _hash_terms = njit(cache=True, nogil=True)(_hash_terms_py)
    _table_ids = njit(cache=True, nogil=True)(_table_ids_py)
    _article_terms = njit(cache=True, nogil=True)(_article_terms_py)
    _candidates = njit(cache=True, nogil=True)(_candidates_py)
    _push = njit(cache=True, nogil=True)(_push_py)
    _chains = njit(cache=True, nogil=True)(_chains_py)
except ImportError:  # pragma: no cover
    _cosines, _hash_terms, _table_ids, _newcomer = _cosines_py, _hash_terms_py, _table_ids_py, _newcomer_py
    _end_run, _entity_rows, _stem_counts = _end_run_py, _entity_rows_py, _stem_counts_py
    _article_terms, _candidates, _push, _chains = _article_terms_py, _candidates_py, _push_py, _chains_py
