"""How a route reaches the container and learns who is calling.

Routes call these two helpers instead of declaring `Depends(...)` parameters. Measured
with FastAPI 0.165 (bench/): each dependency FastAPI solves costs about 10 µs a request,
and a `Depends(Provide[...])` marker also hops to the threadpool; an authenticated read
with three dependencies spent a fifth of its time there. A plain call costs nothing and
keeps the container per app (no global wiring), so two apps in one process stay apart.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from application.shared.actor import Actor
from domain.accounts.errors import InvalidToken
from entrypoints.container import Container

SECURITY_SCHEME = "OAuth2PasswordBearer"
# The OpenAPI scheme behind the Authorize button of /docs (the OAuth2 password form).
SECURITY_SCHEMES: dict[str, Any] = {
    SECURITY_SCHEME: {"type": "oauth2", "flows": {"password": {"tokenUrl": "login", "scopes": {}}}}
}
# `openapi_extra` for a route that calls `authenticated`: /docs then sends the token.
BEARER_AUTH: dict[str, Any] = {"security": [{SECURITY_SCHEME: []}]}


def use_cases(request: Request) -> Container:
    """This app's container: `use_cases(request).get_todo()` builds a fresh use case."""
    container: Container = request.app.state.container
    return container


async def authenticated(request: Request) -> Actor:
    """The caller of this request, from its bearer token (RFC 6750), or InvalidToken (401)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("missing bearer token")
    return await use_cases(request).authenticate().execute(token.strip())


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
