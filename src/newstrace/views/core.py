"""The :class:`Views` of one store: each stage stored, computed on the fly, or not computed (see the package doc)."""

from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache
from typing import Any, Iterable

from ..model import Article
from ..store import Store
from .compute import Computed, article_credits, article_quotes, compare_pair, compute_links, match_pair
from .model import ArticleRef, CreditView, LinkView, PairView, PassageView, QuoteMatchView, QuoteView, StoryView, safe_url
from .sources import STAGE_SOURCES, link_row, match_row, passage_row

__all__ = ["COMPUTE_LIMIT", "Views"]

# Articles up to which a missing stage is computed on the fly. Quotations cost about 0.2 s per article and
# alignments a few tenths of a second per candidate pair, so 200 articles stay under a minute or two.
COMPUTE_LIMIT = 200


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
        self._c = Computed()
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
                from ..stories import StoryClusterer, article_story_features

                c = StoryClusterer()
                c.extend(article_story_features(a) for a in self.store.articles())
                self._c.stories = {k: list(v) for k, v in c.stories().items()}
            return self._c.stories

    def _all_links(self) -> dict[frozenset[str], LinkView] | None:
        if self.stored("links"):
            rows = self._read("links")
            return {frozenset((r["a"], r["b"])): link_row(r) for r in rows}
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
            rows = tuple(self._pair_rows("passages", ai, bi, passage_row))
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
            return tuple(self._pair_rows("quote_matches", ai, bi, match_row))
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
