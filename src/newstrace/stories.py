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
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul
from typing import Iterable, Mapping

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


def _entities(text: str) -> list[str]:
    """Capitalised sequences, numbers and dates in ``text``, normalised (lower case, single spaces).

    A multi-word name also yields each of its words ("Alejandro Mayorkas" -> "alejandro mayorkas", "alejandro",
    "mayorkas"), so a later "Mayorkas" matches. A lone capitalised word that the text also uses in lower case
    ("Separately, ...") is a sentence opener, not a name.
    """
    lower_used = {m.group() for m in WORD_RE.finditer(text) if m.group().islower()}
    out: list[str] = []
    run: list[str] = []
    prev_end = -1

    def flush() -> None:
        if len(run) == 1 and run[0] in lower_used:
            pass
        elif len(run) == 1:
            out.append(run[0])
        elif run:
            out.append(" ".join(run))
            out.extend(w for w in run if w not in _MONTHS)
        run.clear()

    for m in WORD_RE.finditer(text):
        tok = m.group()
        low = tok.lower().removesuffix("'s").removesuffix("’s")
        joined = prev_end >= 0 and not text[prev_end:m.start()].strip() and "\n" not in text[prev_end:m.start()]
        if any(ch.isdigit() for ch in tok):
            if run and run[-1] in _MONTHS and joined:  # "June 14"
                out.append(run.pop() + " " + low)
            flush()
            out.append(low)
        elif tok[0].isupper() and low not in _NOT_NAMES:
            if run and not joined:  # punctuation between words ends a name
                flush()
            run.append(low)
        else:
            flush()
        prev_end = m.end()
    flush()
    return out


def _content_stems(text: str) -> list[str]:
    return [stem(w) for w in (m.group().lower() for m in WORD_RE.finditer(text))
            if w not in STOPWORDS and (len(w) > 2 or w.isdigit())]


def story_features(text: str, *, id: str, title: str | None = None,
                   published: dt.date | dt.datetime | None = None,
                   settings: StorySettings = DEFAULT_STORY_SETTINGS) -> StoryFeatures:
    """The :class:`StoryFeatures` of one article's text (and headline, when known)."""
    words = Counter(_content_stems(text))
    ents = Counter(_entities(text))
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
# Rounding slack of the bound that skips candidates (far above float error, far below any score difference).
PRUNE_MARGIN = 1e-9
# A key held by more than this share of the corpus (once it has MIN_DOCS_FOR_IDF documents) finds no candidates.
KEY_MAX_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class _Terms:
    """One article's terms, in the order of its features: words with ``1 + log count``, then names (keyed
    ``"\\0" + name`` in the combined vector) with theirs. They do not depend on the document frequency."""

    words: tuple[str, ...]
    word_tf: tuple[float, ...]
    names: tuple[str, ...]
    name_keys: tuple[str, ...]
    name_tf: tuple[float, ...]
    keys: frozenset[str]  # the keys of its combined vector

    @classmethod
    def of(cls, f: StoryFeatures) -> "_Terms":
        names = tuple("\0" + t for t in f.entities)
        return cls(tuple(f.words), tuple(1.0 + math.log(n) for n in f.words.values()), tuple(f.entities), names,
                   tuple(1.0 + math.log(n) for n in f.entities.values()), frozenset(f.words) | frozenset(names))


class _Vectors:
    """:func:`story_similarity` against one document frequency, each idf computed once: the same floats in the
    same order as :func:`story_similarity` (C-level maps instead of Python loops), so the scores are identical
    (one clusterer step). ``terms`` caches :class:`_Terms` per article id."""

    def __init__(self, df: DocFreq, settings: StorySettings, terms: dict[str, _Terms]):
        self.df, self.settings, self.terms = df, settings, terms
        self.widf: dict[str, float] = {}
        self.eidf: dict[str, float] = {}

    def _fill(self, memo: dict[str, float], terms: tuple[str, ...], counts: Counter) -> None:
        """Put the idf of each term missing from ``memo`` in it (:meth:`DocFreq.idf`, inlined)."""
        n = self.df.n_docs
        for t in set(terms).difference(memo):
            memo[t] = 1.0 if n < MIN_DOCS_FOR_IDF else math.log((n + 1) / (counts.get(t, 0) + 1)) + 1.0

    def _terms(self, f: StoryFeatures) -> _Terms:
        return self.terms.get(f.id) or self.terms.setdefault(f.id, _Terms.of(f))

    def may_reach(self, va: tuple[dict[str, float], float], b: StoryFeatures, threshold: float) -> bool:
        """False only when ``b`` surely scores below ``threshold`` against the vector ``va``: the cosine is at most
        the norm of ``va`` over the keys ``b`` shares, over its whole norm (Cauchy-Schwarz), and the time factor is
        at most 1. Costs a set intersection, not ``b``'s vector."""
        x, nx = va
        if not nx:
            return True
        shared = [x[t] for t in self._terms(b).keys.intersection(x)]
        return math.sqrt(sum(w * w for w in shared)) / nx >= threshold - PRUNE_MARGIN

    def of(self, f: StoryFeatures) -> tuple[dict[str, float], float]:
        """The combined word-and-name vector of ``f`` and its norm."""
        x = self._terms(f)
        self._fill(self.widf, x.words, self.df.words)
        self._fill(self.eidf, x.names, self.df.entities)
        v = dict(zip(x.words, map(mul, x.word_tf, map(self.widf.__getitem__, x.words))))
        k = self.settings.entity_weight
        v.update(zip(x.name_keys, map(mul, repeat(k), map(mul, x.name_tf, map(self.eidf.__getitem__, x.names)))))
        w = v.values()
        return v, math.sqrt(sum(map(mul, w, w)))

    def similarity(self, a: StoryFeatures, va: tuple[dict[str, float], float], b: StoryFeatures) -> float:
        """:func:`story_similarity` of ``a`` (its vector ``va`` from :meth:`of`) and ``b``."""
        (x, nx), (y, ny) = va, self.of(b)
        text = 0.0
        if x and y:
            if len(x) > len(y):
                x, nx, y, ny = y, ny, x, nx
            dot = sum(map(mul, x.values(), map(y.get, x.keys(), repeat(0.0))))
            text = 0.0 if dot == 0.0 else min(1.0, dot / (nx * ny))
        return text * time_factor(a.published, b.published, self.settings)


class StoryClusterer:
    """Assigns articles to stories as they arrive.

    A newcomer joins the story of the earlier article it is most similar to, when that similarity reaches the
    same-story threshold; otherwise it starts a story whose id is its own id. Assignments never change as
    articles arrive. With ``merge=True`` a newcomer that is the same story as articles of several stories merges
    them under the oldest id (single link: fewer split stories, but one bridging article can join two stories).

    >>> c = StoryClusterer()
    >>> c.add(story_features("Acme opens a Nevada solar farm.", id="a"))
    'a'
    """

    def __init__(self, *, settings: StorySettings = DEFAULT_STORY_SETTINGS, merge: bool = False):
        self.settings = settings
        self.merge = merge
        self.df = DocFreq()
        self._features: dict[str, StoryFeatures] = {}
        self._order: dict[str, int] = {}
        self._parent: dict[str, str] = {}
        self._index: dict[str, set[str]] = {}

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_terms"}  # a cache, rebuilt as needed

    def _find(self, aid: str) -> str:
        root = aid
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[aid] != root:
            self._parent[aid], aid = root, self._parent[aid]
        return root

    def _keys(self, f: StoryFeatures) -> list[str]:
        ranked = [("w:" + t, w) for t, w in _weights(f.words, self.df, False).items()]
        ranked += [("e:" + t, w) for t, w in _weights(f.entities, self.df, True).items()]
        ranked.sort(key=lambda kv: (-kv[1], kv[0]))
        return [k for k, _ in ranked[:CANDIDATE_KEYS]]

    def _candidates(self, keys: list[str]) -> set[str]:
        limit = max(1, int(KEY_MAX_SHARE * self.df.n_docs)) if self.df.n_docs >= MIN_DOCS_FOR_IDF else None
        out: set[str] = set()
        for k in keys:
            held = self._index.get(k, ())
            if limit is None or len(held) <= limit:
                out.update(held)
        return out

    def add(self, f: StoryFeatures) -> str:
        """Add one article; returns the id of its story."""
        if f.id in self._features:
            return self._find(f.id)
        self.df.add(f)
        keys = self._keys(f)
        vec = _Vectors(self.df, self.settings, self.__dict__.setdefault("_terms", {}))
        mine = vec.of(f)
        cands = (self._features[c] for c in self._candidates(keys))  # those that cannot match are not scored
        scored = [(vec.similarity(f, mine, b), b.id) for b in cands
                  if vec.may_reach(mine, b, self.settings.threshold)]
        matches = {self._find(c) for sim, c in scored if sim >= self.settings.threshold}
        self._features[f.id] = f
        self._order[f.id] = len(self._order)
        self._parent[f.id] = f.id
        for k in keys:
            self._index.setdefault(k, set()).add(f.id)
        if matches and not self.merge:
            self._parent[f.id] = self._find(max(scored)[1])
        elif matches:
            root = min(matches, key=self._order.__getitem__)
            for m in matches:
                self._parent[m] = root
            self._parent[f.id] = root
        return self._find(f.id)

    def extend(self, features: Iterable[StoryFeatures]) -> None:
        for f in features:
            self.add(f)

    def story_of(self, article_id: str) -> str:
        return self._find(article_id)

    def stories(self) -> dict[str, list[str]]:
        """Story id -> article ids in arrival order."""
        out: dict[str, list[str]] = {}
        for aid in self._order:
            out.setdefault(self._find(aid), []).append(aid)
        return out
