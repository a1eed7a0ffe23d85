"""The local web app: :func:`create_app` over one store; pages in :mod:`.pages`, JSON under ``/api/`` in :mod:`.api`.

Everything the app shows comes from :class:`newstrace.views.Views` and :class:`.where.WhereIndex`; the app only
shapes it. Uploads are read from memory with the ordinary readers (the upload's name only picks the format, it
is never opened as a path); request bodies over ``max_upload_bytes`` get a 413 with a clear message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import threading
from dataclasses import asdict
from pathlib import PurePosixPath
from typing import Any, AsyncIterator

import duckdb

from ..errors import InputError, StoreError
from ..model import Article
from ..store import Store
from ..views import COMPUTE_LIMIT, StoryView, Views

__all__ = ["MAX_QUERY_CHARS", "MAX_UPLOAD_BYTES", "AppState", "create_app"]

MAX_UPLOAD_BYTES = 1_000_000  # a news article is 5-50 KB; an HTML page with markup rarely passes 1 MB
MAX_QUERY_CHARS = 100_000  # aligning a longer text against eight articles would keep the app busy for seconds
STORIES_PER_PAGE = 50
UPLOAD_KINDS = {".txt", ".text", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson", ".csv", ".tsv"}


def _parse_day(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{name}: expected a date like 2025-03-11, got {value[:40]!r}") from None


class AppState:
    """The store, its views and the lookup index, shared by every request."""

    def __init__(self, store: Store, *, compute_limit: int = COMPUTE_LIMIT, max_upload_bytes: int = MAX_UPLOAD_BYTES):
        self.store = store
        self.views = Views(store, compute_limit=compute_limit)
        self.max_upload_bytes = max_upload_bytes
        self._where: Any = None
        self._where_lock = threading.Lock()

    def where(self) -> Any:
        """The lookup index, built (or extended with new articles) on first use."""
        with self._where_lock:
            if self._where is None:
                from .where import WhereIndex

                self._where = WhereIndex(self.store, lock=self.views._lock)
            return self._where

    # -- what pages and API share --------------------------------------------------------------------------

    def stories_page(self, page: int) -> dict[str, Any]:
        stories = self.views.stories()
        pages = max(1, -(-len(stories) // STORIES_PER_PAGE))
        page = min(max(1, page), pages)
        chunk = stories[(page - 1) * STORIES_PER_PAGE : page * STORIES_PER_PAGE]
        return {"stories": chunk, "page": page, "pages": pages, "total": len(stories),
                "status": self.views.status(), "articles": self.views.article_count}

    def story(self, sid: str) -> tuple[StoryView, dict[str, Any]] | None:
        s = self.views.story(sid)
        if s is None:
            return None
        return s, {r.id: r for r in self.views.refs(s.articles)}

    def story_of(self, aid: str) -> StoryView | None:
        return next((s for s in self.views.stories() if aid in s.articles), None)

    def article(self, aid: str) -> dict[str, Any] | None:
        a = self.views.article(aid)
        if a is None:
            return None
        from ..views import ArticleRef

        s = self.story_of(aid)
        return {"article": a, "ref": ArticleRef.of(a), "quotes": self.views.quotes(a),
                "credits": self.views.credits(a), "story": s}

    def search(self, q: str, outlet: str, since: str | None, until: str | None, page: int) -> dict[str, Any]:
        d0, d1 = _parse_day(since, "since"), _parse_day(until, "until")
        page = max(1, page)
        found = self.views.search(q, outlet=outlet, since=d0, until=d1, limit=STORIES_PER_PAGE + 1,
                                  offset=(page - 1) * STORIES_PER_PAGE)
        return {"results": found[:STORIES_PER_PAGE], "more": len(found) > STORIES_PER_PAGE, "page": page}

    def lookup(self, text: str) -> list[Any]:
        if not text.strip():
            raise InputError("nothing to look up: paste a text or upload a file")
        if len(text) > MAX_QUERY_CHARS:
            raise InputError(f"the text has {len(text):,} characters; the limit is {MAX_QUERY_CHARS:,}")
        return self.where().lookup(text)


def upload_text(filename: str | None, data: bytes) -> str:
    """The article text of an uploaded file, read from memory by the ordinary readers.

    The file name only chooses the reader (by its extension, from :data:`UPLOAD_KINDS`); it is never opened.
    """
    from ..read import read_source
    from ..read.base import Source

    suffix = PurePosixPath((filename or "").replace("\\", "/")).suffix.lower()
    name = "upload" + (suffix if suffix in UPLOAD_KINDS else "")
    items = list(read_source(Source(path="<upload>", name=name, open=lambda: io.BytesIO(data))))
    arts = [x for x in items if isinstance(x, Article)]
    if not arts:
        why = "; ".join(f"{x.reason}" + (f" ({x.detail})" if x.detail else "") for x in items
                        if not isinstance(x, Article)) or "nothing readable"
        raise InputError(f"the upload holds no article: {why}")
    if len(arts) > 1:
        raise InputError(f"the upload holds {len(arts)} articles; upload one article at a time")
    return arts[0].text


def open_store(db: str | os.PathLike[str], *, read_only: bool = False) -> Store:
    """The store, writable when possible (the lookup index is then kept in it), else read-only."""
    if not os.path.exists(db):
        raise StoreError(f"no store at {db}")
    if not read_only:
        try:
            return Store(db)
        except (StoreError, duckdb.Error):
            pass
    return Store(db, read_only=True)


def create_app(db: str | os.PathLike[str] | Store, *, read_only: bool = False, compute_limit: int = COMPUTE_LIMIT,
               max_upload_bytes: int = MAX_UPLOAD_BYTES) -> Any:
    """The FastAPI app over a store (path or open :class:`Store`)."""
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from . import api, pages
    from .limits import BodyLimit, SecurityHeaders

    own = not isinstance(db, Store)
    store = open_store(db, read_only=read_only) if own else db  # type: ignore[arg-type]

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        # Build (or load) the lookup index while the first pages are served: at 100,000 articles loading takes
        # seconds, and the first "where did this come from?" waits for it instead of the app's start.
        warm = threading.Thread(target=app.state.nt.where, name="newstrace-where-index", daemon=True)
        warm.start()
        yield
        warm.join(timeout=60)
        if own:
            store.close()

    app = FastAPI(title="newstrace", version=_version(), lifespan=lifespan,
                  description="Stories, reuse, quotations, credits and provenance of a newstrace store.")
    app.state.nt = AppState(store, compute_limit=compute_limit, max_upload_bytes=max_upload_bytes)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("newstrace.web", "static")]), name="static")
    app.add_middleware(BodyLimit, limit=max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def _version() -> str:
    from .. import __version__

    return __version__


def jsonable(obj: Any) -> Any:
    """Dataclass views (and lists of them) as plain JSON values."""
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if isinstance(obj, (list, tuple)):
        return [jsonable(x) for x in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    return obj
