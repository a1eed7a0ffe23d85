"""HTML pages (Jinja2, autoescaped): stories, a story, an article, search, compare, where did this come from."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..views import safe_url
from .app import AppState, upload_text
from .render import graph_view, pieces

router = APIRouter(include_in_schema=False)
_env = Environment(loader=PackageLoader("newstrace.web", "templates"), autoescape=select_autoescape(default=True))
_env.globals.update(pieces=pieces, safe_url=safe_url)
templates = Jinja2Templates(env=_env)


def _state(request: Request) -> AppState:
    return request.app.state.nt


def _page(request: Request, name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=code)


def _missing(request: Request, what: str) -> HTMLResponse:
    return _page(request, "message.html", 404, title="Not found", message=what)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, page: int = 1) -> HTMLResponse:
    return _page(request, "stories.html", title="Stories", **_state(request).stories_page(page))


@router.get("/story", response_class=HTMLResponse)
def story(request: Request, id: str) -> HTMLResponse:
    found = _state(request).story(id)
    if found is None:
        return _missing(request, f"No story with id {id}.")
    s, refs = found
    st = _state(request)
    shared = []
    for lk in s.links:
        for q in st.views.quote_matches(lk.a, lk.b, compute=st.views.computable()) or ():
            shared.append((lk, q))
    return _page(request, "story.html", title=s.title or "Story", story=s, refs=refs, graph=graph_view(s, refs),
                 shared=shared)


@router.get("/article", response_class=HTMLResponse)
def article(request: Request, id: str) -> HTMLResponse:
    d = _state(request).article(id)
    if d is None:
        return _missing(request, f"No article with id {id}.")
    quotes = d["quotes"] or ()
    marks = pieces(d["article"].text, [], [(q.start, q.end) for q in quotes])
    return _page(request, "article.html", title=d["ref"].title or "Article", marks=marks, **d)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = "", outlet: str = "", since: str = "", until: str = "",
           page: int = 1) -> HTMLResponse:
    form = {"q": q, "outlet": outlet, "since": since, "until": until}
    if not any(form.values()):
        return _page(request, "search.html", title="Search", form=form, results=None)
    try:
        d = _state(request).search(q, outlet, since or None, until or None, page)
    except InputError as e:
        return _page(request, "search.html", 422, title="Search", form=form, results=None, error=str(e))
    return _page(request, "search.html", title="Search", form=form, **d)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, a: str = "", b: str = "") -> HTMLResponse:
    if not a or not b:
        return _page(request, "compare.html", title="Compare", pair=None, a=a, b=b)
    pair = _state(request).views.pair(a, b)
    if pair is None:
        return _missing(request, "One of the two article ids is not in the store.")
    swap = pair.link is not None and pair.link.source == b  # the source, when known, on the left
    return _page(request, "compare.html", title="Compare", pair=pair, a=a, b=b, swap=swap)


@router.get("/where", response_class=HTMLResponse)
def where_form(request: Request) -> HTMLResponse:
    return _page(request, "where.html", title="Where did this come from?", text="", sources=None)


@router.post("/where", response_class=HTMLResponse)
async def where(request: Request, text: str = Form(""), file: Optional[UploadFile] = File(None)) -> HTMLResponse:
    st = _state(request)
    try:
        if file is not None and file.filename:
            text = upload_text(file.filename, await file.read())
        found = await run_in_threadpool(st.lookup, text)
    except InputError as e:
        return _page(request, "where.html", 422, title="Where did this come from?", text=text, sources=None,
                     error=str(e))
    shown = []
    for src in found:
        art = st.views.article(src.article.id)
        shown.append((src, art.text if art else "", [(p.a_start, p.a_end, p.kind) for p in src.passages],
                      [(p.b_start, p.b_end, p.kind) for p in src.passages]))
    return _page(request, "where.html", title="Where did this come from?", text=text, sources=shown)
