"""The local web app (FastAPI + Jinja2): browse stories, search, compare, and "where did this come from?".

>>> from newstrace.store import Store
>>> app = create_app(Store(":memory:"))
>>> sorted(p for p in app.openapi()["paths"] if p.startswith("/api/"))[:3]
['/api/article', '/api/compare', '/api/search']
"""

from __future__ import annotations

from .app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
