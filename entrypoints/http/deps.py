"""FastAPI dependencies: use cases from the container, and the caller as an Actor.

Use cases are resolved by small `async def` dependencies reading the container from
`app.state`, not by `Depends(Provide[...])` markers: those are sync callables that FastAPI
runs in its threadpool (a thread hop per marker), and they need wiring, which is global.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from application.accounts.sessions import Authenticate
from application.shared.actor import Actor
from domain.accounts.errors import InvalidToken


def provided(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency that builds provider `name` of this app's container, per request."""

    async def dependency(request: Request) -> Any:
        return request.app.state.container.providers[name]()

    dependency.__name__ = f"provide_{name}"
    return dependency


# auto_error=False: a missing token is our own 401 problem, with WWW-Authenticate: Bearer.
bearer_token = OAuth2PasswordBearer(tokenUrl="login", auto_error=False)


async def current_actor(
    token: Annotated[str | None, Depends(bearer_token)],
    authenticate: Annotated[Authenticate, Depends(provided("authenticate"))],
) -> Actor:
    if not token:
        raise InvalidToken("missing bearer token")
    return await authenticate.execute(token)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
