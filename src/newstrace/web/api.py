"""JSON endpoints under ``/api/``, mirroring the pages (OpenAPI description at ``/openapi.json``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Optional

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..views import ArticleRef
from .app import AppState, jsonable, upload_text

router = APIRouter(prefix="/api", tags=["api"])


def _state(request: Request) -> AppState:
    return request.app.state.nt


@router.get("/status")
def status(request: Request) -> dict[str, Any]:
    """How many articles the store holds and, per stage, whether it is stored, computed or not computed."""
    st = _state(request)
    return {"articles": st.views.article_count, "stages": st.views.status()}


@router.get("/stories")
def stories(request: Request, page: int = 1) -> dict[str, Any]:
    """Stories, largest first, 50 per page."""
    d = _state(request).stories_page(page)
    return {**d, "stories": [{"id": s.id, "title": s.title, "articles": list(s.articles), "links": len(s.links)}
                             for s in d["stories"]]}


@router.get("/story")
def story(request: Request, id: str) -> dict[str, Any]:
    """One story: its articles and provenance links."""
    found = _state(request).story(id)
    if found is None:
        raise HTTPException(404, f"no story {id[:80]!r}")
    s, refs = found
    return {"id": s.id, "title": s.title, "articles": [refs[a].to_json() for a in s.articles if a in refs],
            "links": [lk.to_json() for lk in s.links]}


@router.get("/article")
def article(request: Request, id: str) -> dict[str, Any]:
    """One article: text, quotations with speakers, credited outlets, and its story."""
    d = _state(request).article(id)
    if d is None:
        raise HTTPException(404, f"no article {id[:80]!r}")
    return {"article": d["ref"].to_json(), "text": d["article"].text, "quotes": jsonable(d["quotes"]),
            "credits": jsonable(d["credits"]), "story": d["story"].id if d["story"] else None}


@router.get("/search")
def search(request: Request, q: str = "", outlet: str = "", since: Optional[str] = None,
           until: Optional[str] = None, page: int = 1) -> dict[str, Any]:
    """Articles holding every word of ``q``, from an outlet (substring), published within [since, until]."""
    try:
        d = _state(request).search(q, outlet, since, until, page)
    except InputError as e:
        raise HTTPException(422, str(e)) from None
    return {**d, "results": [r.to_json() for r in d["results"]]}


@router.get("/compare")
def compare(request: Request, a: str, b: str) -> dict[str, Any]:
    """Two stored articles side by side: passages (body offsets), shared quotations, and their link."""
    pair = _state(request).views.pair(a, b)
    if pair is None:
        raise HTTPException(404, "no such article: " + (a if _state(request).views.article(a) is None else b)[:80])
    return pair.to_json()


def _sources_json(found: list[Any], length: int) -> dict[str, Any]:
    return {"length": length, "sources": [
        {"article": s.article.to_json(), "shared_ngrams": s.shared_ngrams, "query_share": s.query_share,
         "article_share": s.article_share, "passages": [asdict(p) for p in s.passages]} for s in found]}


@router.post("/where")
async def where(request: Request, text: str = Form(""), file: Optional[UploadFile] = File(None)) -> dict[str, Any]:
    """Where did this come from? The stored articles a pasted text (or uploaded file) took from.

    Send ``text`` or ``file`` as a form (multipart for a file). Passages: ``a_*`` offsets into the query text,
    ``b_*`` into the stored article's text. Bodies over the upload limit get 413.
    """
    st = _state(request)
    try:
        if file is not None and file.filename:
            text = upload_text(file.filename, await file.read())
        found = await run_in_threadpool(st.lookup, text)
    except InputError as e:
        raise HTTPException(422, str(e)) from None
    return _sources_json(found, len(text))


def refs_json(refs: list[ArticleRef]) -> list[dict[str, Any]]:
    return [r.to_json() for r in refs]
