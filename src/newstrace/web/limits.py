"""ASGI guards: a request-body size limit (413 with a clear message) and security headers on every response."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

__all__ = ["BodyLimit", "SecurityHeaders"]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# The app's own scripts and styles only; no frames, no plugins, no other origins. FastAPI's /docs pages load
# Swagger UI from a CDN and are left without the policy.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_OPEN = ("/docs", "/redoc")


def _too_large_message(limit: int) -> bytes:
    return json.dumps({"detail": f"request too large: the limit is {limit:,} bytes (uploads and pasted text)"}
                      ).encode()


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with a 413: by Content-Length up front, else (a chunked body)
    by reading it first, holding at most ``limit`` bytes, and replaying it to the app."""

    def __init__(self, app: Any, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.limit:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)
            return
        held: list[Message] = []
        size, more = 0, True
        while more:
            msg = await receive()
            held.append(msg)
            if msg["type"] != "http.request":
                break
            size += len(msg.get("body", b""))
            if size > self.limit:
                await self._refuse(send)
                return
            more = bool(msg.get("more_body"))
        queue = iter(held)

        async def replay() -> Message:
            return next(queue, None) or await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        body = _too_large_message(self.limit)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds a Content-Security-Policy, nosniff, no-referrer and frame denial to every response."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        open_page = str(scope.get("path", "")).startswith(_OPEN)

        async def with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers") or [])
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY")]
                if not open_page:
                    headers.append((b"content-security-policy", CSP.encode()))
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, with_headers)
