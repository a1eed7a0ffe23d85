"""Story similarity and incremental stories (invented texts; a floor on story-chains when shared data exists)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import random
import re
from pathlib import Path

import numpy as np
import pytest

from newstrace import Article
from newstrace.errors import ConfigError
from newstrace.stories import (DEFAULT_STORY_THRESHOLD, DocFreq, StoryClusterer, StoryFeatures, StorySettings,
                               _MONTHS, _NOT_NAMES, CANDIDATE_KEYS, MIN_DOCS_FOR_IDF, _LOG_TF, _candidates, _chains,
                               _content_stems, _entities, _newcomer, _push, article_story_features, same_story,
                               story_features, story_similarity, time_factor)
from newstrace.tokens import STOPWORDS, WORD_RE, stem

D = dt.date(2024, 3, 5)
FERRY_A = ("The Harbour Line ferry Morvoren ran aground off Kelsey Point on Tuesday with 212 passengers aboard. "
           "Coastguard crews from Brannock took everyone ashore by lifeboat and nobody was hurt, said harbourmaster "
           "Ilse Tavener. The ferry operator suspended sailings to Kelsey Point while divers inspect the hull.")
FERRY_B = ("Divers were inspecting the hull of the Morvoren on Wednesday, a day after the Harbour Line vessel struck "
           "rocks near Kelsey Point. All 212 people on board were rescued by Brannock lifeboat volunteers. Ilse "
           "Tavener, the harbourmaster, said sailings would stay suspended until the inspection ends.")
BAKERY = ("A bakery in Ollerton won the regional sourdough prize for a rye loaf proved for thirty hours. Owner Dace "
          "Pemberly thanked her staff and said the award money would buy a second oven.")
ELECTION = ("Voters in Grisdale elected a new mayor on Sunday. Wendell Ashby won 54 percent of the vote after a "
            "campaign about bus fares and the closure of the Grisdale library.")


def feats(text: str, id: str, published: dt.date | None = D):
    return story_features(text, id=id, published=published)


def test_same_event_without_a_shared_sentence_scores_above_threshold() -> None:
    a, b, c = feats(FERRY_A, "a"), feats(FERRY_B, "b"), feats(BAKERY, "c")
    assert story_similarity(a, b) >= DEFAULT_STORY_THRESHOLD
    assert same_story(a, b)
    assert not same_story(a, c)
    assert story_similarity(a, c) < 0.1


def test_similarity_is_symmetric_bounded_and_one_for_a_copy() -> None:
    a, b = feats(FERRY_A, "a"), feats(FERRY_B, "b")
    assert story_similarity(a, b) == pytest.approx(story_similarity(b, a))
    assert story_similarity(a, feats(FERRY_A, "a2")) == pytest.approx(1.0)
    assert 0.0 <= story_similarity(a, b) <= 1.0
    assert story_similarity(a, feats("", "empty")) == 0.0


def test_time_damps_distant_articles_and_missing_dates_are_neutral() -> None:
    a, b = feats(FERRY_A, "a"), feats(FERRY_B, "b", published=D + dt.timedelta(days=60))
    undated = feats(FERRY_B, "b", published=None)
    assert story_similarity(a, b) < story_similarity(a, undated)
    assert time_factor(D, None) == 1.0
    assert time_factor(D, D + dt.timedelta(days=2)) == 1.0
    assert time_factor(D, D + dt.timedelta(days=365)) == pytest.approx(StorySettings().time_floor, abs=1e-6)


def test_idf_falls_back_to_flat_weights_on_a_tiny_corpus_and_rewards_rarity_on_a_large_one() -> None:
    small = DocFreq.of([feats(FERRY_A, "a"), feats(FERRY_B, "b")])
    assert small.idf("morvoren", entity=False) == 1.0
    many = [feats(f"Voters met on day {i} about bus fares in town {i}.", str(i)) for i in range(30)]
    big = DocFreq.of(many + [feats(FERRY_A, "a")])
    assert big.idf("morvoren", entity=False) > big.idf("voter", entity=False)


def test_entities_are_names_numbers_and_dates() -> None:
    ents = _entities("Separately, on June 14 Acme Corp hired Jane Roe. Rain fell separately. It cost 2.5 million.")
    assert "june 14" in ents and "acme corp" in ents and "jane roe" in ents and "roe" in ents
    assert "2.5" in ents
    assert "separately" not in ents


def test_article_features_use_title_and_date() -> None:
    art = Article.from_text(FERRY_A, title="Ferry aground at Kelsey Point", published=dt.datetime(2024, 3, 5, 9))
    f = article_story_features(art)
    assert f.published == D and f.id == art.id and f.words["ferri"] >= 2


def test_bad_settings_raise_config_error() -> None:
    with pytest.raises(ConfigError):
        StorySettings(entity_weight=2.0)
    with pytest.raises(ConfigError):
        StorySettings(time_scale_days=0)


def test_clusterer_is_incremental_and_stable() -> None:
    c = StoryClusterer()
    assert c.add(feats(FERRY_A, "a")) == "a"
    assert c.add(feats(BAKERY, "c")) == "c"
    assert c.add(feats(FERRY_B, "b")) == "a"
    assert c.add(feats(ELECTION, "e")) == "e"
    assert c.add(feats(FERRY_B, "b")) == "a"  # adding again is a no-op
    assert c.stories() == {"a": ["a", "b"], "c": ["c"], "e": ["e"]}


def test_clusterer_scores_equal_story_similarity() -> None:
    """The clusterer's vectorised scores are :func:`story_similarity` with the documents so far (float noise only)."""
    texts = [FERRY_A, FERRY_B, BAKERY, ELECTION] * 3
    fs = [feats(t[k:] + t[:k], f"x{k}-{i}", D + dt.timedelta(days=7 * i)) for i, t in enumerate(texts)
          for k in (0, 9)]
    fs.append(StoryFeatures("undated", fs[0].words, fs[0].entities, None))
    for n in (3, len(fs)):  # flat weights, then corpus idf
        c = StoryClusterer()
        c.extend(fs[:n])
        df = DocFreq.of(fs[:n])
        every = np.arange(n)
        for a in fs[:n]:
            ids, counts = c._term_ids(a)
            _, w = c._weights(ids, counts)
            day = a.published.toordinal() if a.published else -(2**31)
            got = c._similarities(ids, w, day, every)
            assert got == pytest.approx([story_similarity(a, b, df=df) for b in fs[:n]], abs=1e-12)


def test_the_newcomer_kernel_gives_the_numpy_weights_and_keys_to_the_bit() -> None:
    """:func:`_newcomer` (one pass over a newcomer's terms) against the numpy lines it replaced: the same document
    counts, ``log(df + 1)``, weights and key terms, below and above MIN_DOCS_FOR_IDF documents."""
    rng = random.Random(3)
    words = [f"w{i}" for i in range(60)]
    fs = [StoryFeatures(f"d{i}", {w: rng.randint(1, 4) for w in rng.sample(words, 25)},
                        {f"N{rng.randint(0, 30)}": 1, f"N{rng.randint(0, 30)}": 2}, D) for i in range(40)]
    c = StoryClusterer()
    for f in fs:
        ids, counts = c._term_ids(f)
        n = c.n_docs + 1
        df, info = c._df.buf.copy(), c._info.buf.copy()  # the numpy lines of add() before session 22, on copies
        df[ids] += 1
        info["logdf"][ids] = np.log(df[ids] + 1.0)
        idf = (math.log(n + 1) + 1.0) - info["logdf"][ids] if n >= MIN_DOCS_FOR_IDF else np.ones(len(ids))
        raw_ref = _LOG_TF[counts] * idf
        w_ref = raw_ref * np.where(info["name"][ids] != 0, c.settings.entity_weight, 1.0)
        keys_ref = ids[np.lexsort((ids, -raw_ref))[:CANDIDATE_KEYS]]
        raw, w = np.empty(len(ids)), np.empty(len(ids))
        keys = _newcomer(ids, counts, c._df.buf, c._info.buf, c._log1(n), _LOG_TF, math.log(n + 1) + 1.0,
                         n >= MIN_DOCS_FOR_IDF, float(c.settings.entity_weight), raw, w, CANDIDATE_KEYS)
        assert raw.tobytes() == raw_ref.tobytes() and w.tobytes() == w_ref.tobytes()
        assert keys.tolist() == keys_ref.tolist() and len(keys) == min(CANDIDATE_KEYS, len(ids))
        assert c._df.buf.tobytes() == df.tobytes() and c._info.buf.tobytes() == info.tobytes()
        c.n_docs = n
    assert c.n_docs > MIN_DOCS_FOR_IDF


def test_the_key_chains_walked_side_by_side_give_each_chains_latest_holders() -> None:
    """:func:`_candidates` walks the chains of a newcomer's keys side by side; the result is that of walking each
    chain alone: every key's ``recent`` latest holders (keys held by more than ``limit`` skipped), those sharing
    the most keys first, then the latest, at most ``max_scored``, ascending."""
    rng = np.random.default_rng(11)
    n_terms, n_arts = 50, 400
    held, head = np.zeros(n_terms, np.int64), np.full(n_terms, -1, np.int64)
    node_art, node_next = np.zeros(n_arts * 6, np.int32), np.zeros(n_arts * 6, np.int64)
    holders: list[list[int]] = [[] for _ in range(n_terms)]
    nodes = 0
    for a in range(n_arts):
        keys = np.unique(rng.zipf(1.3, 6) % n_terms)
        nodes = _push(keys, held, head, node_art, node_next, nodes, a)
        for k in keys.tolist():
            holders[k].append(a)
    for _ in range(200):
        keys = np.unique(rng.integers(0, n_terms, rng.integers(0, 12)))
        limit, recent, cap = int(rng.integers(1, 120)), int(rng.integers(1, 20)), int(rng.integers(1, 40))
        shared: dict[int, int] = {}
        for k in keys.tolist():
            if held[k] <= limit:
                for a in holders[k][-recent:]:
                    shared[a] = shared.get(a, 0) + 1
        want = sorted(sorted(shared, key=lambda a: (shared[a], a))[-cap:])
        got = _candidates(keys, held, head, node_art, node_next, limit, recent, cap)
        assert got.tolist() == want


def test_recent_cap_keeps_clustering_linear_and_state_round_trips() -> None:
    """With ``recent=2`` a key only reaches its two latest holders; the saved state continues identically."""
    fs = [feats(f"Ferry Morvoren ran aground at Kelsey Point, report {i}.", f"r{i}", D) for i in range(6)]
    c = StoryClusterer(recent=2)
    c.extend(fs[:4])
    keys, lens, holders = _chains(c._head.view, c._node_art.view, c._node_next.view, c.recent)
    assert lens.max() == 2 and len(holders) == lens.sum()
    ends = np.cumsum(lens)
    by_all = [i for i, k in enumerate(keys.tolist()) if c._held.view[k] == 4]  # keys of all four articles
    assert by_all and all(holders[ends[i] - 2 : ends[i]].tolist() == [2, 3] for i in by_all)  # the latest two
    again = StoryClusterer.from_bytes(c.to_bytes())
    c.extend(fs[4:])
    again.extend(fs[4:])
    assert again.stories() == c.stories() == {"r0": [f.id for f in fs]}
    with pytest.raises(ConfigError):
        StoryClusterer(recent=0)
    with pytest.raises(Exception):
        StoryClusterer.from_bytes(b"not a state")


def test_the_state_written_as_a_stream_is_the_saved_state() -> None:
    """write_to needs no seekable file (the story process streams the state in parts): the same bytes as
    to_bytes, which load into the same stories."""
    import io

    fs = [feats(t + f" Report {i}.", f"x{i:02d}", D + dt.timedelta(days=i % 3))
          for i, t in enumerate([FERRY_A, FERRY_B, BAKERY, ELECTION] * 3)]
    c = StoryClusterer(recent=3)
    c.extend(fs)

    class Pipe:  # a stream: no tell, no seek
        def __init__(self) -> None:
            self.got = io.BytesIO()

        def write(self, b: bytes) -> int:
            return self.got.write(b)

    out = Pipe()
    c.write_to(out)
    assert out.got.getvalue() == c.to_bytes() == StoryClusterer.from_bytes(c.to_bytes()).to_bytes()
    assert StoryClusterer.from_bytes(out.got.getvalue()).stories() == c.stories() and len(c.stories()) < len(fs)


def test_a_bridging_article_merges_stories_under_the_older_id() -> None:
    s = StorySettings(threshold=0.3)
    c = StoryClusterer(settings=s, merge=True)
    c.add(feats("Wendell Ashby announced a bus fare freeze in Grisdale.", "x"))
    c.add(feats("The Grisdale library will close, councillor Mara Quill said.", "y"))
    assert c.story_of("x") != c.story_of("y")
    c.add(feats("Wendell Ashby and Mara Quill clashed over the bus fare freeze and the Grisdale library closure.",
                "z"))
    assert c.story_of("x") == c.story_of("y") == c.story_of("z") == "x"
    plain = StoryClusterer(settings=s)  # the default never merges: earlier assignments stay put
    for text, id in (("Wendell Ashby announced a bus fare freeze in Grisdale.", "x"),
                     ("The Grisdale library will close, councillor Mara Quill said.", "y"),
                     ("Wendell Ashby and Mara Quill clashed over the bus fare freeze and the Grisdale library "
                      "closure.", "z")):
        plain.add(feats(text, id))
    assert plain.story_of("y") == "y" and plain.story_of("z") in ("x", "y")


@pytest.mark.shared
def test_story_chains_floor(shared_data: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_stories", Path(__file__).parents[1] / "bench" / "stories.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    feats_, pairs = bench.load_story_chains(shared_data / "story-chains")
    by_id = {f.id: f for f in feats_}
    df = DocFreq.of(feats_)
    pred = [same_story(by_id[a], by_id[b], df=df) for a, b, _ in pairs]
    _, _, f1 = bench.prf(pred, [g for *_, g in pairs])
    assert f1 >= 0.95


def _reference_features(text: str) -> tuple[dict, list]:
    """The story features' words and entities worked out plainly from WORD_RE's matches (the regex path the
    compiled scan replaced in session 17)."""
    ms = list(WORD_RE.finditer(text))
    words = [m.group() for m in ms]
    stems: dict[str, int] = {}
    for w in words:
        low = w.lower()
        if low not in STOPWORDS and (len(low) > 2 or low.isdigit()):
            stems[stem(low)] = stems.get(stem(low), 0) + 1
    lower_used = {w for w in words if w.islower()}
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) == 1 and run[0] not in lower_used:
            out.append(run[0])
        elif len(run) > 1:
            out.append(" ".join(run))
            out.extend(w for w in run if w not in _MONTHS)
        run.clear()

    last = -2
    for i, w in enumerate(words):
        number = not w.isalpha() and re.search(r"\d", w) is not None
        if not number and not w[0].isupper():
            continue
        low = w.lower()
        if "'" in low or "’" in low:
            low = low.removesuffix("'s").removesuffix("’s")
        if not number and low in _NOT_NAMES:
            continue
        gap = text[ms[i - 1].end():ms[i].start()] if i else ""
        joined = last == i - 1 and (gap == " " or (not gap.strip() and "\n" not in gap))
        if last != i - 1:
            flush()
        last = i
        if number:
            if run and run[-1] in _MONTHS and joined:
                out.append(run.pop() + " " + low)
            flush()
            out.append(low)
        else:
            if run and not joined:
                flush()
            run.append(low)
    flush()
    return stems, out


_PIECES = ["Acme", "Corp", "June", "14", "2.5", "said", "separately", "Separately", "O'Neil's", "U.S.-led", "the",
           "The", "Mr", "Jane", "Roe’s", "roe", "東京", "٣٤", "a_b", "’tis", "Monday", "may", "May", "1990's", "x"]
_GAPS = [" ", " ", "  ", ", ", "\n", " \n ", "\t", ". ", "—", "-", "'", "’", "\u00a0", ""]


@pytest.mark.parametrize("text", [FERRY_A, BAKERY, "", "  \n ", "—'x' O'Neil's U.S.-led talks, 2024-03-05;\n\nJune 14 …",
                                  "é à ü 東京 ٣٤ a_b -x- ’tis"])
def test_words_and_entities_equal_the_plain_regex_reading(text: str) -> None:
    stems, ents = _reference_features(text)
    assert _content_stems(text) == stems and list(_content_stems(text)) == list(stems)  # counts and order
    assert _entities(text) == ents


def test_words_and_entities_equal_the_plain_regex_reading_on_random_text() -> None:
    rng = random.Random(5)
    for _ in range(1500):
        text = "".join(rng.choice(_PIECES) + rng.choice(_GAPS) for _ in range(rng.randint(0, 25)))
        stems, ents = _reference_features(text)
        assert _content_stems(text) == stems and list(_content_stems(text)) == list(stems), repr(text)
        assert _entities(text) == ents, repr(text)


def test_word_types_start_again_when_full(monkeypatch) -> None:
    """A full type table starts again between texts; the features are the same either way."""
    from newstrace import stories

    monkeypatch.setattr(stories, "_TYPES", stories._WordTypes())
    monkeypatch.setattr(stories._TYPES, "MAX_TYPES", 30)
    resets = []
    reset = stories._TYPES._reset
    monkeypatch.setattr(stories._TYPES, "_reset", lambda: (resets.append(1), reset()))
    for text in [FERRY_A, BAKERY, FERRY_A, BAKERY]:
        assert _entities(text) == _reference_features(text)[1]
        assert _content_stems(text) == _reference_features(text)[0]
    assert len(resets) >= 3
def test_terms_are_numbered_by_hash_in_order_of_arrival_and_survive_growth() -> None:
    """The term table gives ids in order of arrival (words, then names, of each article) however often it grows,
    saves them as hashes in id order, and an article's repeated hash is one term with the counts added."""
    from newstrace.stories import _TermTable, _article_terms_py, _hash_terms, _hash_terms_py

    t = _TermTable()
    seen: list[str] = []
    for i in range(300):  # 3,000 distinct terms: the 1,024-slot table doubles twice
        words = {f"w{i}x{j}": 1 for j in range(5)} | {"shared": 2}
        names = {f"n{i}y{j}": 1 for j in range(5)}
        ids, counts, fresh = t.article(words, names)
        new = [k for k in [*words, *names] if k not in seen]
        assert [[*words, *names][p] for p in fresh.tolist()] == new
        seen += new
        want = sorted(seen.index(k) for k in [*words, *names])
        assert ids.tolist() == want and sorted(counts.tolist()) == [1] * 10 + [2]
    again = _TermTable(t.hashes())
    assert again.article({"shared": 1}, {"n7y3": 1})[0].tolist() == sorted([seen.index("shared"), seen.index("n7y3")])
    # the compiled hash is the pure-Python one (the fallback without numba must read the same saved states)
    buf = np.frombuffer("ferry\0Kelsey Point\0Zürich ünd 北京".encode(), np.uint8)
    a, b = np.empty(3, np.uint64), np.empty(3, np.uint64)
    with np.errstate(over="ignore"):
        assert _hash_terms(buf, 1, a) == _hash_terms_py(buf, 1, b) == 3
    assert a.tolist() == b.tolist() and len(set(a.tolist())) == 3
    # a word and a name of the same spelling are two terms; one hash twice is one term
    keys, vals = np.zeros(16, np.uint64), np.zeros(16, np.int32)
    ids, counts, new, met = _article_terms_py(keys, vals, np.frombuffer(b"ab\0ab\0ab", np.uint8), 2,
                                              np.array([3, 4, 5]), 0, np.empty(3, np.int64))
    assert (ids.tolist(), counts.tolist(), new, met) == ([0, 1], [7, 5], 2, 3)


def test_a_state_saved_with_terms_as_strings_loads_and_continues() -> None:
    """States saved before the term table (the vocabulary as "w:"/"e:" strings) load into the same clusterer."""
    import io
    import json
    import zipfile

    fs = [feats(t + f" Report {i}.", f"x{i:02d}", D + dt.timedelta(days=i % 3))
          for i, t in enumerate([FERRY_A, FERRY_B, BAKERY, ELECTION] * 2)]
    c = StoryClusterer(recent=3)
    c.extend(fs[:6])
    terms: list[str] = []
    for f in fs[:6]:
        terms += [t for t in ["w:" + w for w in f.words] + ["e:" + e for e in f.entities] if t not in terms]
    old = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(c.to_bytes())) as z, zipfile.ZipFile(old, "w") as out:
        for name in z.namelist():
            if name == "vocab_hash.npy":
                a = np.frombuffer(json.dumps(terms).encode(), np.uint8)
                with out.open("vocab.npy", "w") as w:
                    np.lib.format.write_array(w, a, allow_pickle=False)
            else:
                out.writestr(name, z.read(name))
    loaded = StoryClusterer.from_bytes(old.getvalue())
    assert loaded.to_bytes() == c.to_bytes()
    loaded.extend(fs[6:])
    c.extend(fs[6:])
    assert loaded.stories() == c.stories()
