"""The chat's browser page at GET /chat: static HTML, CSS and JavaScript modules shipped
in this package (package data) and served by the app. No build step, no CDN.

The page is the API's client like any other: it signs in over /login, reads rooms and
history over HTTP and lives on /ws/rooms/{id}. Its policy allows this origin only, no
inline script or style, and (Trusted Types) no string may reach an HTML sink such as
innerHTML, so a message that looks like markup can only ever be text.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

PAGE_URL = "/chat"
ASSETS_URL = "/chat/assets"
PAGE_DIR = Path(__file__).parent

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
# 'self' covers ws:// and wss:// of this host and port (CSP Level 3), which the page uses.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'; trusted-types 'none'"
)
_HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Revalidated on each load (cheap: an ETag match is a 304), so an upgrade shows at once.
    "Cache-Control": "no-cache",
}


def asset_names() -> list[str]:
    """The files the page is made of, besides chat.html: every servable file here."""
    return sorted(
        path.name
        for path in PAGE_DIR.iterdir()
        if path.suffix in CONTENT_TYPES and path.name != "chat.html"
    )


def install_chat_page(app: FastAPI) -> None:
    """Add GET /chat and one route per asset (an explicit list: nothing else in this
    directory, such as this module, can be fetched)."""
    app.add_route(PAGE_URL, _serving("chat.html"), include_in_schema=False)
    for name in asset_names():
        app.add_route(f"{ASSETS_URL}/{name}", _serving(name), include_in_schema=False)


def _serving(name: str) -> Callable[[Request], Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        body, etag = _read(name)
        headers = {**_HEADERS, "ETag": etag}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, headers=headers, media_type=CONTENT_TYPES[Path(name).suffix])

    return serve


@functools.cache  # a few kilobytes that never change while the process runs
def _read(name: str) -> tuple[bytes, str]:
    body = (PAGE_DIR / name).read_bytes()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'
