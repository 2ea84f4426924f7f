"""Route classes of the shop: JSON numbers arrive exact, and public routes know a caller.

Why a Request subclass: FastAPI 0.165 reads a JSON body with `await request.json()`, which
is Starlette's `json.loads(body)`: 19.99 is already the float 19.989999999999998… before
any pydantic type sees it, and a `Decimal` field in a strict model refuses a float anyway.
Overriding `json()` (FastAPI's documented custom Request + APIRoute pattern) makes every
JSON number with a fraction or exponent a `Decimal` of its exact text, so pydantic and the
domain get "19.99", never a float. Integers stay ints. NaN and Infinity are not JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response

from application.shared.actor import Actor
from entrypoints.http.routing import SECURITY_SCHEME, ApiRoute, authenticate_bearer

_VIEWER = "caseworks.shop.viewer"
# Anyone may call; a bearer token, when sent, is checked and may show more (admins).
OPTIONAL_BEARER_AUTH: dict[str, Any] = {"security": [{}, {SECURITY_SCHEME: []}]}


def _not_json(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)


class ExactJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()  # bytes: json.loads skips a UTF-8 BOM itself
            self._json = json.loads(body, parse_float=Decimal, parse_constant=_not_json)
        return self._json


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class ShopRoute(ApiRoute):
    """An ApiRoute whose JSON body keeps numbers exact (see the module docstring)."""

    def get_route_handler(self) -> Handler:
        handle = super().get_route_handler()

        async def exact(request: Request) -> Response:
            return await handle(ExactJsonRequest(request.scope, request.receive))

        return exact


class CatalogRoute(ShopRoute):
    """A public route that still knows who calls when a token is sent (admins see
    deactivated products): an Authorization header, if present, must be valid (401),
    and is checked before the query, as on protected routes. Read it with `viewer()`."""

    @property
    def is_protected(self) -> bool:
        return False  # a token is optional here, so ApiRoute must not require one

    def get_route_handler(self) -> Handler:
        handle = super().get_route_handler()

        async def identified(request: Request) -> Response:
            if "authorization" in request.headers:
                # The protected routes' own check (routing.py), so both agree on a token.
                request.scope[_VIEWER] = await authenticate_bearer(request)
            return await handle(request)

        return identified


def viewer(request: Request) -> Actor | None:
    """The caller of a CatalogRoute, or None for an anonymous one."""
    actor: Actor | None = request.scope.get(_VIEWER)
    return actor
