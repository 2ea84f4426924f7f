"""Swagger UI and ReDoc served by the app itself: no CDN, no online validator, no web fonts.

FastAPI's own pages load their scripts from jsDelivr, so without internet, or under a strict
Content-Security-Policy, /docs is blank. The assets ship in the fastapi_offline package and
are served from where it is installed (not copied here), so upgrading it upgrades them.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/docs/assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"

# This origin only, and inline scripts only by hash (each page's own init code).
_POLICY = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# ReDoc needs two exceptions: its styled-components write <style> tags, and it runs its
# search index in a worker built from a blob: URL, which only its own script can create.
_REDOC_POLICY = (
    _POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src blob:"
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
# ReDoc's sidebar credit always loads its logo from cdn.redoc.ly (no option turns it off),
# so its bundle is served with that URL swapped for a blank inline image. Should a new
# bundle spell it differently, the CSP still blocks it and the browser test reports it.
_REDOC_BUNDLE = "redoc.standalone.js"
_REDOC_LOGO = b'"https://cdn.redoc.ly/redoc/logo-mini.svg"'
_BLANK_IMAGE = b'"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"'


def install_docs(app: FastAPI) -> None:
    """Add /docs (with its OAuth2 redirect page), /redoc and their assets to `app`.

    The app must be created with docs_url=None and redoc_url=None, or FastAPI's CDN pages
    would answer first.
    """
    openapi_url = app.openapi_url
    if openapi_url is None:  # no schema, nothing to document
        return
    redirect_url = app.swagger_ui_oauth2_redirect_url
    # The validator would send our schema's URL to validator.swagger.io for a badge.
    parameters: dict[str, Any] = {**(app.swagger_ui_parameters or {}), "validatorUrl": None}

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root_path(request)
        return _with_policy(
            get_swagger_ui_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} - Swagger UI",
                swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                oauth2_redirect_url=root + redirect_url if redirect_url else None,
                init_oauth=app.swagger_ui_init_oauth,
                swagger_ui_parameters=parameters,
            )
        )

    async def swagger_ui_redirect(_: Request) -> HTMLResponse:
        return _with_policy(get_swagger_ui_oauth2_redirect_html())

    async def redoc(request: Request) -> HTMLResponse:
        root = _root_path(request)
        return _with_policy(
            get_redoc_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{ASSETS_URL}/{_REDOC_BUNDLE}",
                redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            ),
            _REDOC_POLICY,
        )

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    if redirect_url:
        app.add_route(redirect_url, swagger_ui_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
    # Before the mount, which would serve the bundle unpatched.
    app.add_route(f"{ASSETS_URL}/{_REDOC_BUNDLE}", _redoc_bundle, include_in_schema=False)
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")


async def _redoc_bundle(request: Request) -> Response:
    body, etag = _patched_redoc_bundle()
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="text/javascript", headers={"ETag": etag})


@functools.cache  # read once per process: 1 MB that never changes while we run
def _patched_redoc_bundle() -> tuple[bytes, str]:
    body = (ASSETS_DIR / _REDOC_BUNDLE).read_bytes().replace(_REDOC_LOGO, _BLANK_IMAGE)
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _root_path(request: Request) -> str:
    # Behind a proxy that mounts us under a prefix, as FastAPI's own docs pages do.
    return str(request.scope.get("root_path", "")).rstrip("/")


def _with_policy(page: HTMLResponse, policy: str = _POLICY) -> HTMLResponse:
    """Send `policy`, allowing exactly the inline scripts this page carries."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(bytes(page.body))
    )
    page.headers["Content-Security-Policy"] = policy.format(hashes=hashes)
    return page
