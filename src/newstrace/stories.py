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
from typing import Any, Iterable, Mapping

import numpy as np

from .errors import ConfigError
from .model import Article
from .tokens import STOPWORDS, WORD_RE, stem

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


# Each word of a text with the text between it and the previous word, in one C-level pass: the lazy gap stops
# at the first place WORD_RE matches, so the words are exactly WORD_RE.finditer's (tests/test_stories.py checks
# it). Strings instead of Match objects: story_features 1.6 -> ~1.0 ms on a 2,000-character article (session 8).
_GAP_WORD = re.compile(r"(.*?)(" + WORD_RE.pattern + ")", re.UNICODE | re.DOTALL)


def gaps_and_words(text: str) -> tuple[list[str], list[str]]:
    """The words of ``text`` (:data:`newstrace.tokens.WORD_RE`) and, for each, the text since the previous
    word (since the start for the first)."""
    pairs = _GAP_WORD.findall(text)
    return [g for g, _ in pairs], [w for _, w in pairs]


def _entities(text: str, split: tuple[list[str], list[str]] | None = None) -> list[str]:
    """Capitalised sequences, numbers and dates in ``text``, normalised (lower case, single spaces).

    A multi-word name also yields each of its words ("Alejandro Mayorkas" -> "alejandro mayorkas", "alejandro",
    "mayorkas"), so a later "Mayorkas" matches. A lone capitalised word that the text also uses in lower case
    ("Separately, ...") is a sentence opener, not a name. ``split``: :func:`gaps_and_words` of ``text``, when
    already made.
    """
    gaps, words = gaps_and_words(text) if split is None else split
    lower_used = {t for t in words if t.islower()}
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) == 1 and run[0] in lower_used:
            pass
        elif len(run) == 1:
            out.append(run[0])
        elif run:
            out.append(" ".join(run))
            out.extend(w for w in run if w not in _MONTHS)
        run.clear()

    # Only capitalised words and tokens with a digit do anything; every other token ends the name being read
    # (flush), so the loop visits those tokens alone and flushes when it skipped one (a third of the time).
    last = -2
    # (the tokens that may do anything, picked first in one comprehension: a quarter of them on news text)
    for i in [i for i, tok in enumerate(words) if tok[0].isupper() or not tok.isalpha()]:
        tok = words[i]
        number = not tok.isalpha() and _DIGIT.search(tok) is not None
        if not number and not tok[0].isupper():
            continue
        low = tok.lower()
        if "'" in low or "’" in low:
            low = low.removesuffix("'s").removesuffix("’s")
        if not number and low in _NOT_NAMES:
            continue
        if last != i - 1:
            flush()  # a skipped token came between
            joined = False
        else:
            gap = gaps[i]
            joined = gap == " " or (not gap.strip() and "\n" not in gap)
        last = i
        if number:
            if run and run[-1] in _MONTHS and joined:  # "June 14"
                out.append(run.pop() + " " + low)
            flush()
            out.append(low)
        else:
            if run and not joined:  # punctuation between words ends a name
                flush()
            run.append(low)
    flush()
    return out


_CONTENT: dict[str, str] = {}  # word as written -> its stem, or "" when it is no content word
_CONTENT_MAX = 200_000


def _content_stem(word: str) -> str:
    w = word.lower()
    out = stem(w) if w not in STOPWORDS and (len(w) > 2 or w.isdigit()) else ""
    if len(_CONTENT) > _CONTENT_MAX:
        _CONTENT.clear()
    _CONTENT[word] = out
    return out


def _content_stems(text: str, words: list[str] | None = None) -> list[str]:
    """Stems of the content words (no stopwords, three letters or more, or a number), cached per word form.
    ``words``: the words of ``text``, when already split."""
    words = WORD_RE.findall(text) if words is None else words
    stems = list(map(_CONTENT.get, words))  # (C-level probes; the few unknown forms are worked out below)
    if None in stems:
        stems = [_content_stem(w) if x is None else x for x, w in zip(stems, words)]
    return list(filter(None, stems))


def story_features(text: str, *, id: str, title: str | None = None,
                   published: dt.date | dt.datetime | None = None,
                   settings: StorySettings = DEFAULT_STORY_SETTINGS) -> StoryFeatures:
    """The :class:`StoryFeatures` of one article's text (and headline, when known)."""
    split = gaps_and_words(text)  # one tokenisation for both
    words = Counter(_content_stems(text, split[1]))
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
_NO_DAY = -(2**31)
_LOG_TF = np.concatenate(([0.0], 1.0 + np.log(np.arange(1, 65536, dtype=np.float64))))  # 1 + log n by count  # ordinal of a missing publication date


class _Growing:
    """A growable 1-d numpy buffer (amortised appends; ``view`` is the filled part)."""

    def __init__(self, dtype: type, data: np.ndarray | None = None):
        self.buf = np.zeros(256, dtype) if data is None else np.array(data, dtype)
        self.n = 0 if data is None else len(data)

    def extend(self, values: np.ndarray) -> None:
        need = self.n + len(values)
        if need > len(self.buf):
            grown = np.zeros(max(need, 2 * len(self.buf)), self.buf.dtype)
            grown[:self.n] = self.buf[:self.n]
            self.buf = grown
        self.buf[self.n:need] = values
        self.n = need

    @property
    def view(self) -> np.ndarray:
        return self.buf[:self.n]


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
        # term ids of word stems and of names, one numbering for both (saved as one list of "w:" + stem and
        # "e:" + name in id order). Two dictionaries rather than one of prefixed keys: a newcomer's ~250 terms are
        # looked up as they come, with no key string to build and hash first (_term_ids 292 -> 257 us an
        # article of bench/scale.py's, of ~750 us in all; the saved state is byte for byte the same).
        self._words_v: dict[str, int] = {}
        self._names_v: dict[str, int] = {}
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
        self._index: dict[int, list[int]] = {}  # key term id -> its latest holders (article indices)
        # A loaded state's index as sorted keys, segment starts (one past the end too) and holders; a key
        # moves into _index when an article is keyed under it. Loading 1.1M keys into lists took ~1.6 s at
        # 100k articles, on every incremental run, for the few thousand keys that run touches.
        self._base: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._derive()

    def _derive(self) -> None:
        """Per-term arrays computed from the saved ones: ``log(df + 1)``, the weight scale (``entity_weight`` for
        names, 1 for words) and the position table :meth:`_similarities` uses (all -1 between calls)."""
        self._logdf = _Growing(np.float64, np.log(self._df.view + 1.0))
        self._scale = _Growing(np.float64, np.where(self._entity.view, self.settings.entity_weight, 1.0))
        self._lut = _Growing(np.int32, np.full(self._df.n, -1, np.int32))

    def _derived_extend(self, names: np.ndarray) -> None:
        self._logdf.extend(np.zeros(len(names)))  # log(0 + 1)
        self._scale.extend(np.where(names, self.settings.entity_weight, 1.0))
        self._lut.extend(np.full(len(names), -1, np.int32))

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
        wv, nv = self._words_v, self._names_v
        gw = list(map(wv.get, f.words))  # one probe per term (a cache miss each in a vocabulary of millions)
        gn = list(map(nv.get, f.entities))
        if None in gw or None in gn:
            first = len(wv) + len(nv)
            fw = [t for t, i in zip(f.words, gw) if i is None]
            fn = [t for t, i in zip(f.entities, gn) if i is None]
            wv.update(zip(fw, range(first, first + len(fw))))
            nv.update(zip(fn, range(first + len(fw), first + len(fw) + len(fn))))
            fresh = len(fw) + len(fn)
            self._df.extend(np.zeros(fresh, np.int64))
            self._held.extend(np.zeros(fresh, np.int64))
            names = np.zeros(fresh, np.bool_)
            names[len(fw):] = True
            self._entity.extend(names)
            self._derived_extend(names)
            new = iter(range(first, first + fresh))
            gw = [next(new) if i is None else i for i in gw]
            gn = [next(new) if i is None else i for i in gn]
        n = len(gw) + len(gn)
        a = np.array(gw + gn, np.int32)
        c = np.minimum(np.fromiter((*f.words.values(), *f.entities.values()), np.int64, n), 65535)
        order = np.argsort(a, kind="stable")
        return a[order], c[order].astype(np.uint16)

    def _idf(self, ids: np.ndarray) -> np.ndarray:
        """:meth:`DocFreq.idf` of term ids at the current document count, vectorised: ``log((N + 1) / (df + 1))
        + 1`` is ``log(N + 1) + 1 - log(df + 1)``, and ``log(df + 1)`` is kept per term (it changes only for the
        terms of each newcomer), so a score costs no logarithm of its candidates' terms."""
        n = self.n_docs
        if n < MIN_DOCS_FOR_IDF:
            return np.ones(len(ids))
        return (math.log(n + 1) + 1.0) - self._logdf.buf[ids]

    def _weights(self, ids: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rarity weight ``(1 + log n) * idf``, the same with names scaled by ``entity_weight``)."""
        raw = _LOG_TF[counts] * self._idf(ids)
        return raw, raw * self._scale.buf[ids]

    def _holders(self, k: int) -> list[int] | None:
        """The latest holders of key ``k`` (None when it has none)."""
        lst = self._index.get(k)
        if lst is None and self._base is not None:
            keys, starts, holders = self._base
            at = int(np.searchsorted(keys, k))
            if at < len(keys) and keys[at] == k:
                lst = holders[starts[at] : starts[at + 1]].tolist()
        return lst

    def _candidates(self, keys: np.ndarray) -> np.ndarray:
        """Earlier articles sharing a key: at most :data:`MAX_SCORED`, those sharing the most keys (then the
        latest)."""
        limit = int(KEY_MAX_SHARE * self.n_docs) if self.n_docs >= MIN_DOCS_FOR_IDF else None
        out: list[int] = []
        held = self._held.view
        for k in keys.tolist():
            lst = self._holders(k)
            if lst and (limit is None or held[k] <= max(1, limit)):
                out.extend(lst)
        found, shared = np.unique(np.array(out, np.int64), return_counts=True)
        if len(found) <= MAX_SCORED:
            return found
        return np.sort(found[np.lexsort((-found, -shared))[:MAX_SCORED]])

    def _similarities(self, ids: np.ndarray, w: np.ndarray, day: int, cands: np.ndarray) -> np.ndarray:
        """:func:`story_similarity` of the newcomer (sorted term ``ids``, combined weights ``w``) with each of
        ``cands``: one compiled pass over their terms (:func:`_cosines`), not a loop of numpy calls."""
        if not len(ids):
            return np.zeros(len(cands))
        n = self.n_docs
        use_idf = n >= MIN_DOCS_FOR_IDF
        lut = self._lut.buf  # term id -> position in the newcomer's terms, -1 elsewhere (reset below)
        lut[ids] = np.arange(len(ids), dtype=np.int32)
        try:
            cos = _cosines(self._off.buf, self._terms.buf, self._counts.buf, cands, self._logdf.buf,
                           self._scale.buf, _LOG_TF, (math.log(n + 1) + 1.0) if use_idf else 0.0, use_idf, lut, w,
                           math.sqrt(float(w @ w)))
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
        self._df.buf[ids] += 1  # ids are distinct
        self._logdf.buf[ids] = np.log(self._df.buf[ids] + 1.0)
        raw, w = self._weights(ids, counts)
        keys = ids[np.lexsort((ids, -raw))[:CANDIDATE_KEYS]]  # rarest-weighted first, ties by term id
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
        for k in keys.tolist():
            self._held.buf[k] += 1
            lst = self._index.get(k)
            if lst is None:
                lst = self._index[k] = self._holders(k) or []
            lst.append(me)
            if len(lst) > self.recent:
                del lst[0]
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

        keys, lens, holders = self._index_arrays()
        meta = {"settings": {k: getattr(self.settings, k) for k in self.settings.__slots__}, "merge": self.merge,
                "recent": self.recent, "n_docs": self.n_docs}
        arrays = {
            "meta": np.frombuffer(json.dumps(meta).encode(), np.uint8),
            "vocab": np.frombuffer(json.dumps(self._vocab_list()).encode(), np.uint8),
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

    def _vocab_list(self) -> list[str]:
        """Every term in id order: "w:" + stem or "e:" + name (the saved form)."""
        out: list[str] = [""] * (len(self._words_v) + len(self._names_v))
        for t, i in self._words_v.items():
            out[i] = "w:" + t
        for t, i in self._names_v.items():
            out[i] = "e:" + t
        return out

    def _index_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The whole key index as sorted keys, their holder counts and the holders, key after key: the loaded
        base without the keys since moved into ``_index``, merged with those."""
        own = np.array(sorted(self._index), np.int64)
        own_lens = np.array([len(self._index[k]) for k in own.tolist()], np.int64)
        own_holders = np.array([i for k in own.tolist() for i in self._index[k]], np.int64)
        if self._base is None:
            return own, own_lens, own_holders
        bkeys, starts, bholders = self._base
        keep = ~np.isin(bkeys, own, assume_unique=True)
        blens = np.diff(starts)
        keys = np.concatenate([bkeys[keep], own])
        lens = np.concatenate([blens[keep], own_lens])
        holders = np.concatenate([bholders[np.repeat(keep, blens)], own_holders])
        order = np.argsort(keys, kind="stable")
        seg = np.repeat(np.argsort(order), lens)  # each holder's segment, by its key's rank in the sorted keys
        return keys[order], lens[order], holders[np.argsort(seg, kind="stable")]

    @classmethod
    def from_bytes(cls, blob: bytes) -> "StoryClusterer":
        """A clusterer saved by :meth:`to_bytes` (raises ValueError, KeyError or OSError on anything else)."""
        import io
        import json

        z = np.load(io.BytesIO(blob), allow_pickle=False)
        meta = json.loads(bytes(z["meta"]).decode())
        c = cls(settings=StorySettings(**meta["settings"]), merge=bool(meta["merge"]), recent=int(meta["recent"]))
        c.n_docs = int(meta["n_docs"])
        vocab = json.loads(bytes(z["vocab"]).decode())
        c._words_v = {k[2:]: i for i, k in enumerate(vocab) if k[:2] == "w:"}
        c._names_v = {k[2:]: i for i, k in enumerate(vocab) if k[:2] == "e:"}
        if len(c._words_v) + len(c._names_v) != len(vocab):
            raise ValueError("story clusterer vocabulary holds a term that is neither a word nor a name")
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
        c._index, c._base = {}, (keys, starts, holders)
        if not (len(vocab) == c._df.n == c._entity.n == c._held.n and len(c._ids) == len(c._parent) ==
                c._day.n == c._off.n - 1 and c._terms.n == c._counts.n == int(c._off.view[-1])):
            raise ValueError("inconsistent story clusterer state")
        return c


def _cosines_py(off: np.ndarray, terms: np.ndarray, counts: np.ndarray, cands: np.ndarray, logdf: np.ndarray,
                scale: np.ndarray, log_tf: np.ndarray, idf_base: float, use_idf: bool, lut: np.ndarray,
                w: np.ndarray, nx: float) -> np.ndarray:
    """Cosine of the newcomer (weights ``w``, its terms' positions in ``lut``, norm ``nx``) with each candidate
    article, whose term weights are ``(1 + log count) * idf * scale`` computed on the fly; the same operations
    in the same order as the numpy formulation it replaced (gather, ``bincount`` per candidate), so the
    clustering is unchanged (tests/test_stories.py)."""
    out = np.zeros(len(cands))
    for c in range(len(cands)):
        i = cands[c]
        norm = 0.0
        dot = 0.0
        for p in range(off[i], off[i + 1]):
            t = terms[p]
            idf = idf_base - logdf[t] if use_idf else 1.0
            cw = log_tf[counts[p]] * idf * scale[t]
            norm += cw * cw
            a = lut[t]
            if a >= 0:
                dot += cw * w[a]
        norm = math.sqrt(norm)
        if dot > 0 and norm > 0:
            out[c] = min(1.0, dot / (nx * norm))
    return out


try:  # compiled when numba is present (a dependency; cached on disk after the first run)
    from numba import njit

    _cosines = njit(cache=True, nogil=True)(_cosines_py)
except ImportError:  # pragma: no cover
    _cosines = _cosines_py
