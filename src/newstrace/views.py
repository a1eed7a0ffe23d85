"""Read-only view model for the faces (report and web app): stories, links, passages, quotes and credits.

Each stage is read from the store when a table holds its results, computed on the fly with the library
functions when the store is small (at most ``compute_limit`` articles), and otherwise reported as not computed,
so a missing stage empties one section instead of breaking the page. All offsets are *body* offsets into
``Article.text`` (what the faces highlight). Stored stages are read from the tables of :mod:`newstrace.pipeline`
(``newstrace trace``) when they hold rows, or else from this plainer layout (every column is read by name;
extra columns are ignored; see :data:`STAGE_SOURCES`)::

    CREATE TABLE stories (story VARCHAR, article VARCHAR);        -- one row per article
    CREATE TABLE links (a VARCHAR, b VARCHAR, direction VARCHAR,   -- 'a->b' | 'b->a' | 'common-source' | 'unknown'
        confidence DOUBLE, credited BOOLEAN, churn DOUBLE, common_source VARCHAR, evidence JSON);
    CREATE TABLE passages (a VARCHAR, b VARCHAR, a_start BIGINT, a_end BIGINT, b_start BIGINT, b_end BIGINT,
        kind VARCHAR, similarity DOUBLE);                          -- kind: verbatim | edited | paraphrase
    CREATE TABLE reuse (a VARCHAR, b VARCHAR, a_share DOUBLE, b_share DOUBLE);
    CREATE TABLE quotes (article VARCHAR, start BIGINT, "end" BIGINT, kind VARCHAR, speaker VARCHAR,
        role VARCHAR);                                             -- speaker: the resolved name
    CREATE TABLE credits (article VARCHAR, outlet VARCHAR, kind VARCHAR, start BIGINT, "end" BIGINT);
    CREATE TABLE quote_matches (a VARCHAR, b VARCHAR, a_start BIGINT, a_end BIGINT, b_start BIGINT,
        b_end BIGINT, match VARCHAR, diff JSON, misattributed BOOLEAN, speaker_a VARCHAR, speaker_b VARCHAR);

>>> from newstrace.store import Store
>>> v = Views(Store(":memory:"))
>>> v.stories(), v.status()["links"]
([], 'computed')
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Iterable
from urllib.parse import urlsplit

from .model import Article
from .store import Store

__all__ = ["ArticleRef", "CreditView", "LinkView", "PairView", "PassageView", "QuoteMatchView", "QuoteView",
           "StoryView", "Views", "safe_url"]

# Articles up to which a missing stage is computed on the fly. Quotations cost about 0.2 s per article and
# alignments a few tenths of a second per candidate pair, so 200 articles stay under a minute or two.
COMPUTE_LIMIT = 200
# Per stage, the schemas it can be read from: (table -> columns it needs, a query giving the normalised columns).
# First the pipeline's tables (newstrace.pipeline.schema), then the plain layout in the module docstring.
_QM_PIPELINE = ("SELECT m.a_id AS a, m.b_id AS b, qa.content_start AS a_start, qa.content_end AS a_end, "
                "qb.content_start AS b_start, qb.content_end AS b_end, m.match, m.diff, m.misattributed, "
                "qa.speaker_name AS speaker_a, qb.speaker_name AS speaker_b FROM quote_matches m "
                "JOIN quotes qa ON qa.article_id = m.a_id AND qa.idx = m.a_idx "
                "JOIN quotes qb ON qb.article_id = m.b_id AND qb.idx = m.b_idx")
STAGE_SOURCES: dict[str, list[tuple[dict[str, tuple[str, ...]], str]]] = {
    "stories": [({"stories": ("story_id", "article_id")}, "SELECT story_id AS story, article_id AS article FROM stories"),
                ({"stories": ("story", "article")}, "SELECT story, article FROM stories")],
    "links": [({"links": ("a_id", "b_id", "direction")},
               "SELECT a_id AS a, b_id AS b, direction, confidence, credited, churn, common_source, evidence "
               "FROM links"),
              ({"links": ("a", "b", "direction")}, "SELECT * FROM links")],
    "passages": [({"passages": ("a_id", "b_id", "a_start", "a_end", "b_start", "b_end", "kind")},
                  "SELECT a_id AS a, b_id AS b, a_start, a_end, b_start, b_end, kind, similarity FROM passages"),
                 ({"passages": ("a", "b", "a_start", "a_end", "b_start", "b_end", "kind")}, "SELECT * FROM passages")],
    "quotes": [({"quotes": ("article_id", "content_start", "content_end", "speaker_name")},
                'SELECT article_id AS article, content_start AS start, content_end AS "end", kind, '
                "speaker_name AS speaker, speaker_role AS role FROM quotes"),
               ({"quotes": ("article", "start", "end")}, "SELECT * FROM quotes")],
    "credits": [({"credits": ("article_id", "outlet", "start", "end")},
                 'SELECT article_id AS article, outlet, kind, start, "end" FROM credits'),
                ({"credits": ("article", "outlet", "start", "end")}, "SELECT * FROM credits")],
    "quote_matches": [({"quote_matches": ("a_id", "a_idx", "b_id", "b_idx", "match"),
                        "quotes": ("article_id", "idx", "content_start", "speaker_name")}, _QM_PIPELINE),
                      ({"quote_matches": ("a", "b", "a_start", "a_end", "b_start", "b_end", "match")},
                       "SELECT * FROM quote_matches")],
}


def safe_url(url: str | None) -> str | None:
    """``url`` when its scheme is http or https (the only links the faces render), else None."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _iso(p: dt.date | dt.datetime | None) -> str | None:
    return p.isoformat() if p is not None else None


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What a list shows of an article; ``url`` only when it is http(s)."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    length: int

    @classmethod
    def of(cls, a: Article) -> "ArticleRef":
        return cls(a.id, a.title, a.outlet, safe_url(a.url), _iso(a.published), len(a.text))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PassageView:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: str
    similarity: float

    def swapped(self) -> "PassageView":
        return PassageView(self.b_start, self.b_end, self.a_start, self.a_end, self.kind, self.similarity)


@dataclass(frozen=True, slots=True)
class LinkView:
    """A provenance link; ``source``/``derived`` are set when the direction is known."""

    a: str
    b: str
    direction: str
    confidence: float
    credited: bool | None = None
    churn: float | None = None
    common_source: str | None = None
    evidence: tuple[dict, ...] = ()

    @property
    def source(self) -> str | None:
        return {"a->b": self.a, "b->a": self.b}.get(self.direction)

    @property
    def derived(self) -> str | None:
        return {"a->b": self.b, "b->a": self.a}.get(self.direction)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "evidence": list(self.evidence), "source": self.source, "derived": self.derived}


@dataclass(frozen=True, slots=True)
class QuoteView:
    start: int
    end: int
    kind: str
    speaker: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class CreditView:
    outlet: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class QuoteMatchView:
    """One quotation found in both articles of a pair, seen from B: match type and word-level diff."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    match: str
    diff: tuple[dict, ...] = ()
    misattributed: bool = False
    speaker_a: str | None = None
    speaker_b: str | None = None

    def swapped(self) -> "QuoteMatchView":
        diff = tuple({**d, "a": d.get("b", ""), "b": d.get("a", "")} for d in self.diff)
        flip = {"truncated": "extended", "extended": "truncated"}
        return QuoteMatchView(self.b_start, self.b_end, self.a_start, self.a_end, flip.get(self.match, self.match),
                              diff, self.misattributed, self.speaker_b, self.speaker_a)


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story: its articles (ids, oldest first) and the links between them."""

    id: str
    title: str | None
    articles: tuple[str, ...]
    links: tuple[LinkView, ...] = ()


@dataclass(frozen=True, slots=True)
class PairView:
    """Two articles side by side: passages and shared quotations (None: the stage is not computed)."""

    a: Article
    b: Article
    passages: tuple[PassageView, ...] | None
    quote_matches: tuple[QuoteMatchView, ...] | None
    link: LinkView | None = None

    def to_json(self) -> dict[str, Any]:
        return {"a": ArticleRef.of(self.a).to_json(), "b": ArticleRef.of(self.b).to_json(),
                "a_text": self.a.text, "b_text": self.b.text,
                "passages": None if self.passages is None else [asdict(p) for p in self.passages],
                "quote_matches": None if self.quote_matches is None else [asdict(q) for q in self.quote_matches],
                "link": self.link.to_json() if self.link else None}


@dataclass
class _Computed:
    """Results computed on the fly for a small store (filled lazily, guarded by the Views lock)."""

    stories: dict[str, list[str]] | None = None
    links: dict[frozenset[str], LinkView] | None = None
    passages: dict[tuple[str, str], tuple[PassageView, ...]] = field(default_factory=dict)
    quotes: dict[str, tuple[QuoteView, ...]] = field(default_factory=dict)
    credits: dict[str, tuple[CreditView, ...]] = field(default_factory=dict)


class Views:
    """Stories, links, pair views, quotes and credits of one store, stored or computed (see module doc).

    Thread-safe: one lock guards the store connection and the caches (the web app serves from threads).
    """

    def __init__(self, store: Store, *, compute_limit: int = COMPUTE_LIMIT):
        self.store = store
        self.compute_limit = compute_limit
        self._lock = threading.RLock()
        self._tables = self._stage_tables()
        self._n = store.stats()["articles"]
        self._c = _Computed()
        self._pre: dict[str, dict[Any, list[dict[str, Any]]]] = {}
        self._stories: list[StoryView] | None = None
        self.article = lru_cache(maxsize=256)(self._article)

    def prefetch(self) -> None:
        """Read the stored per-article and per-pair tables whole (the report reads every row: one query each
        instead of thousands)."""
        keys = {"quotes": ("article",), "credits": ("article",), "passages": ("a", "b"), "quote_matches": ("a", "b")}
        for table, key in keys.items():
            if not self.stored(table) or table in self._pre:
                continue
            groups: dict[Any, list[dict[str, Any]]] = {}
            for r in self._read(table):
                groups.setdefault(tuple(r[k] for k in key) if len(key) > 1 else r[key[0]], []).append(r)
            self._pre[table] = groups

    def _dict_rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            cur = self.store.con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    # -- what is available ------------------------------------------------------------------------------------

    def _stage_tables(self) -> dict[str, str]:
        """Per stored stage, the query that reads it: the first schema whose columns exist and hold rows (the
        pipeline creates every table up front, so an empty one is a stage that has not run)."""
        rows = self.store.con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
        cols: dict[str, set[str]] = {}
        for t, c in rows:
            cols.setdefault(t, set()).add(c)
        found = {}
        for stage, sources in STAGE_SOURCES.items():
            for need, sql in sources:
                if all(set(c) <= cols.get(t, set()) for t, c in need.items()):
                    table = next(iter(need))
                    if self.store.con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall():  # noqa: S608
                        found[stage] = sql
                    break
        return found

    def _read(self, stage: str, where: str = "", params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a stored stage in the normalised columns, optionally filtered."""
        return self._dict_rows(f"SELECT * FROM ({self._tables[stage]}) AS t {where}", params)  # noqa: S608

    def stored(self, stage: str) -> bool:
        return stage in self._tables

    def computable(self) -> bool:
        return self._n <= self.compute_limit

    def status(self) -> dict[str, str]:
        """Per stage: ``stored``, ``computed`` or ``not computed: <why>``."""
        why = (f"not computed: the store holds {self._n:,} articles, more than the {self.compute_limit:,} "
               "computed on the fly; run the pipeline that stores this stage")
        return {s: "stored" if self.stored(s) else "computed" if self.computable() else why
                for s in ("stories", "links", "passages", "quotes", "credits", "quote_matches")}

    @property
    def article_count(self) -> int:
        return self._n

    # -- articles ---------------------------------------------------------------------------------------------

    def _article(self, id: str) -> Article | None:
        with self._lock:
            return self.store.article(id)

    def refs(self, ids: Iterable[str] | None = None) -> list[ArticleRef]:
        """Article refs (all, or ``ids``) in store order, without reading the texts."""
        sql = "SELECT id, title, outlet, url, published_iso, length(text) FROM articles"
        params: list[Any] = []
        if ids is not None:
            sql += " WHERE list_contains(?, id)"
            params.append(list(ids))
        with self._lock:
            rows = self.store.con.execute(sql + " ORDER BY seq", params).fetchall()
        return [ArticleRef(i, t, o, safe_url(u), p, int(n)) for i, t, o, u, p, n in rows]

    def search(self, words: str = "", *, outlet: str = "", since: dt.date | None = None,
               until: dt.date | None = None, limit: int = 50, offset: int = 0) -> list[ArticleRef]:
        """Articles holding every word (case-insensitive, in title or text), from an outlet, in a date range."""
        where, params = [], []
        for w in words.split()[:20]:
            where.append("(title ILIKE ? OR text ILIKE ?)")
            pat = "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [pat, pat]
        if outlet.strip():
            where.append("outlet ILIKE ?")
            params.append("%" + outlet.strip() + "%")
        if since:
            where.append("published >= ?")
            params.append(dt.datetime(since.year, since.month, since.day))
        if until:
            where.append("published < ?")
            params.append(dt.datetime(until.year, until.month, until.day) + dt.timedelta(days=1))
        sql = "SELECT id, title, outlet, url, published_iso, length(text) FROM articles"
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY published DESC NULLS LAST, seq"
        sql += " LIMIT ? OFFSET ?"
        with self._lock:
            rows = self.store.con.execute(sql.replace("ILIKE ?", "ILIKE ? ESCAPE '\\'"),
                                          params + [limit, offset]).fetchall()
        return [ArticleRef(i, t, o, safe_url(u), p, int(n)) for i, t, o, u, p, n in rows]

    # -- stories and links ------------------------------------------------------------------------------------

    def stories(self) -> list[StoryView]:
        """Every story, largest first (empty when stories are neither stored nor computable); built once."""
        with self._lock:
            if self._stories is None:
                self._stories = self._build_stories()
            return self._stories

    def _build_stories(self) -> list[StoryView]:
        groups = self._story_groups()
        if groups is None:
            return []
        links = self._all_links() or {}
        by_story: dict[str, list[LinkView]] = {}
        story_of = {a: s for s, members in groups.items() for a in members}
        for lk in links.values():
            by_story.setdefault(story_of.get(lk.a, lk.a), []).append(lk)
        refs = {r.id: r for r in self.refs()}
        out = []
        for sid, members in groups.items():
            members = sorted((m for m in members if m in refs), key=lambda m: (refs[m].published or "~", m))
            if members:
                out.append(StoryView(sid, refs[members[0]].title, tuple(members), tuple(by_story.get(sid, ()))))
        return sorted(out, key=lambda s: (-len(s.articles), s.articles[0]))

    def story(self, id: str) -> StoryView | None:
        return next((s for s in self.stories() if s.id == id), None)

    def _story_groups(self) -> dict[str, list[str]] | None:
        if self.stored("stories"):
            groups: dict[str, list[str]] = {}
            for s, a in ((r["story"], r["article"]) for r in self._read("stories", "ORDER BY story")):
                groups.setdefault(str(s), []).append(a)
            return groups
        if not self.computable():
            return None
        with self._lock:
            if self._c.stories is None:
                from .stories import StoryClusterer, article_story_features

                c = StoryClusterer()
                c.extend(article_story_features(a) for a in self.store.articles())
                self._c.stories = {k: list(v) for k, v in c.stories().items()}
            return self._c.stories

    def _all_links(self) -> dict[frozenset[str], LinkView] | None:
        if self.stored("links"):
            rows = self._read("links")
            return {frozenset((r["a"], r["b"])): _link_row(r) for r in rows}
        if not self.computable():
            return None
        with self._lock:
            if self._c.links is None:
                groups = self._story_groups() or {}
                self._c.links, self._c.passages = compute_links(self.store, groups)
            return self._c.links

    def link(self, a: str, b: str) -> LinkView | None:
        return (self._all_links() or {}).get(frozenset((a, b)))

    # -- pairs, quotes, credits -------------------------------------------------------------------------------

    def pair(self, a_id: str, b_id: str, *, compute: bool = True) -> PairView | None:
        """Two articles side by side (None when either id is unknown).

        What is not stored for the pair is computed for it alone, unless ``compute`` is False and the store is
        too large to compute on the fly (the report's bulk mode).
        """
        a, b = self.article(a_id), self.article(b_id)
        if a is None or b is None:
            return None
        compute = compute or self.computable()
        return PairView(a, b, self.passages(a, b, compute=compute), self.quote_matches(a, b, compute=compute),
                        self.link(a_id, b_id))

    def passages(self, a: Article | str, b: Article | str, *,
                 compute: bool = True) -> tuple[PassageView, ...] | None:
        """The passages two articles share; ids suffice when they are stored (or ``compute`` is False)."""
        ai, bi = (x.id if isinstance(x, Article) else x for x in (a, b))
        if self.stored("passages"):
            rows = tuple(self._pair_rows("passages", ai, bi, _passage_row))
            if rows or not compute:
                return rows
        with self._lock:
            known = self._c.passages.get((ai, bi))
            if known is None and (bi, ai) in self._c.passages:
                known = tuple(p.swapped() for p in self._c.passages[bi, ai])
        if known is not None or not compute:
            return known
        a, b = (x if isinstance(x, Article) else self.article(x) for x in (a, b))
        if a is None or b is None:
            return None
        found = compare_pair(a, b)
        with self._lock:
            self._c.passages[a.id, b.id] = found
        return found

    def quote_matches(self, a: Article | str, b: Article | str, *,
                      compute: bool = True) -> tuple[QuoteMatchView, ...] | None:
        """Quotations both articles carry; ids suffice when they are stored."""
        ai, bi = (x.id if isinstance(x, Article) else x for x in (a, b))
        if self.stored("quote_matches"):
            return tuple(self._pair_rows("quote_matches", ai, bi, _match_row))
        if not compute:
            return None
        a, b = (x if isinstance(x, Article) else self.article(x) for x in (a, b))
        return None if a is None or b is None else match_pair(a, b)

    def _pair_rows(self, table: str, a: str, b: str, make: Any) -> list[Any]:
        if table in self._pre:
            rows = self._pre[table].get((a, b), []) + self._pre[table].get((b, a), [])
        else:
            rows = self._read(table, "WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)", [a, b, b, a])
        out = [make(r) for r in rows]
        return sorted((x if r["a"] == a else x.swapped() for x, r in zip(out, rows)), key=lambda x: x.a_start)

    def quotes(self, article: Article) -> tuple[QuoteView, ...] | None:
        """The article's quotations with speakers (None: not computed)."""
        if self.stored("quotes"):
            if "quotes" in self._pre:
                rows = sorted(self._pre["quotes"].get(article.id, []), key=lambda r: r["start"])
            else:
                rows = self._read("quotes", "WHERE article = ? ORDER BY start", [article.id])
            return tuple(QuoteView(int(r["start"]), int(r["end"]), r.get("kind") or "direct", r.get("speaker"),
                                   r.get("role")) for r in rows)
        if not self.computable():
            return None
        with self._lock:
            if article.id not in self._c.quotes:
                self._c.quotes[article.id] = article_quotes(article)
            return self._c.quotes[article.id]

    def credits(self, article: Article) -> tuple[CreditView, ...] | None:
        """The outlets the article credits (None: not computed)."""
        if self.stored("credits"):
            if "credits" in self._pre:
                rows = sorted(self._pre["credits"].get(article.id, []), key=lambda r: r["start"])
            else:
                rows = self._read("credits", "WHERE article = ? ORDER BY start", [article.id])
            return tuple(CreditView(r["outlet"], r.get("kind") or "credit", int(r["start"]), int(r["end"]))
                         for r in rows)
        if not self.computable():
            return None
        with self._lock:
            if article.id not in self._c.credits:
                self._c.credits[article.id] = article_credits(article)
            return self._c.credits[article.id]


def _link_row(r: dict[str, Any]) -> LinkView:
    ev = r.get("evidence")
    if isinstance(ev, str):
        try:
            ev = json.loads(ev)
        except ValueError:
            ev = []
    churn = r.get("churn")
    return LinkView(r["a"], r["b"], r.get("direction") or "unknown", round(float(r.get("confidence") or 0.0), 3),
                    r.get("credited"), None if churn is None else round(float(churn), 3), r.get("common_source"),
                    tuple(e for e in (ev or []) if isinstance(e, dict)))


def _passage_row(r: dict[str, Any]) -> PassageView:
    return PassageView(int(r["a_start"]), int(r["a_end"]), int(r["b_start"]), int(r["b_end"]), str(r["kind"]),
                       float(r.get("similarity") or 0.0))


def _match_row(r: dict[str, Any]) -> QuoteMatchView:
    diff = r.get("diff")
    if isinstance(diff, str):
        try:
            diff = json.loads(diff)
        except ValueError:
            diff = []
    return QuoteMatchView(int(r["a_start"]), int(r["a_end"]), int(r["b_start"]), int(r["b_end"]), str(r["match"]),
                          tuple(d for d in (diff or []) if isinstance(d, dict)), bool(r.get("misattributed")),
                          r.get("speaker_a"), r.get("speaker_b"))


# -- computed on the fly (small stores) ------------------------------------------------------------------------


def compare_pair(a: Article, b: Article) -> tuple[PassageView, ...]:
    """The passages of :func:`newstrace.reuse.compare`, as views."""
    from .reuse import compare

    return tuple(PassageView(p.a_start, p.a_end, p.b_start, p.b_end, str(p.kind), round(float(p.similarity), 3))
                 for p in compare(a, b).passages)


def match_pair(a: Article, b: Article) -> tuple[QuoteMatchView, ...]:
    """Quotations of B also in A (:func:`newstrace.match_quotes`), as views."""
    from .quotes import match_quotes

    return tuple(QuoteMatchView(m.a_span.start, m.a_span.end, m.b_span.start, m.b_span.end, m.match, m.diff,
                                m.misattributed, m.a.name, m.b.name) for m in match_quotes(a, b))


def article_quotes(a: Article) -> tuple[QuoteView, ...]:
    from .quotes import quotes

    return tuple(QuoteView(q.content.start, q.content.end, q.kind, q.name, q.role) for q in quotes(a))


def article_credits(a: Article) -> tuple[CreditView, ...]:
    from .quotes import credits

    return tuple(CreditView(c.outlet, c.kind, c.span.start, c.span.end) for c in credits(a))


def _story_pairs(arts: list[Article]) -> list[tuple[int, int]]:
    """Pairs of a story's articles that share rare n-grams (:mod:`newstrace.candidates`)."""
    from .candidates import CandidateSettings, candidate_pairs_numpy
    from .fingerprint import postings

    found = candidate_pairs_numpy(postings([a.text for a in arts]), CandidateSettings(max_df=max(2, len(arts))))
    return sorted(found.pairs())


def compute_links(store: Store, groups: dict[str, list[str]]
                  ) -> tuple[dict[frozenset[str], LinkView], dict[tuple[str, str], tuple[PassageView, ...]]]:
    """Links and passages of every candidate pair inside each story (reuse, then provenance)."""
    from .provenance import article_facts, link, pair_facts, resolve_in_corpus

    found, passages, pairs = [], {}, {}
    for members in groups.values():
        if len(members) < 2:
            continue
        arts = list(store.articles(members))
        facts = {a.id: article_facts(a) for a in arts}
        for i, j in _story_pairs(arts):
            a, b = arts[i], arts[j]
            shown = compare_pair(a, b)
            if not shown:
                continue
            passages[a.id, b.id] = shown
            pf = pairs[a.id, b.id] = pair_facts(a, b)
            found.append(link(a, b, facts_a=facts[a.id], facts_b=facts[b.id], pair=pf))
    links = {}
    for lk in resolve_in_corpus(found, pairs):
        links[frozenset((lk.a, lk.b))] = LinkView(
            lk.a, lk.b, lk.direction, round(lk.confidence, 3), lk.credited,
            None if lk.churn is None else round(lk.churn, 3), lk.common_source,
            tuple(e.to_json() for e in lk.evidence))
    return links, passages
