"""The route class of every API route: what each route would otherwise have to remember.

- A protected route (one whose OpenAPI operation names a security scheme, see `BEARER_AUTH`)
  authenticates before anything else, so an anonymous bad request is a 401, never a 422
  that describes the body. The route reads its caller with `caller(request)`.
- Query parameters the route does not declare are a 422: a filter a client believes in
  (`DELETE /todos/?completed=true`) must never be silently dropped.
- A JSON body in any other media type is a 415, as on /login.
- A 204 carries no Content-Type, and a path ends at its end: Python's `$` also matches
  before a trailing newline, so `/todos/%0A` once reached `/todos/`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from application.shared.actor import Actor
from domain.accounts.errors import InvalidToken
from entrypoints.http.problems import responses

_ACTOR = "caseworks.actor"
SECURITY_SCHEME = "OAuth2PasswordBearer"
# `openapi_extra` of a protected route: /docs sends the token, the route class checks it.
BEARER_AUTH: dict[str, Any] = {"security": [{SECURITY_SCHEME: []}]}
# Of a public route that shows more to some callers: a token, when sent, is checked.
OPTIONAL_BEARER_AUTH: dict[str, Any] = {"security": [{}, {SECURITY_SCHEME: []}]}


def _not_json(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)


class ExactJsonRequest(Request):
    """FastAPI reads a JSON body with Starlette's `json.loads(body)`, so 19.99 would be the
    float 19.989999999999998 before any pydantic type saw it. Here every number with a
    fraction or exponent is a Decimal of its exact text (integers stay ints; NaN and
    Infinity are not JSON): money, and every other number, never goes through a float."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()  # bytes: json.loads skips a UTF-8 BOM itself
            self._json = json.loads(body, parse_float=Decimal, parse_constant=_not_json)
        return self._json


JSON_TYPES = ("application/json",)


class ApiRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if kwargs.get("status_code") == 204:
            kwargs["response_class"] = Response  # no body, so no Content-Type either
        super().__init__(path, endpoint, **kwargs)
        # What this class itself may answer is documented here, so no route can forget it.
        statuses = {422} | ({401} if self.is_protected else set())
        if self.body_field is not None:
            statuses |= {400, 413, 415}
        self.responses = responses(*statuses) | self.responses
        pattern = self.path_regex.pattern
        assert pattern.endswith("$"), pattern
        self.path_regex = re.compile(pattern[:-1] + r"\Z")

    @property
    def is_protected(self) -> bool:
        """A token is required (BEARER_AUTH); OPTIONAL_BEARER_AUTH lists `{}`: anyone."""
        security = (self.openapi_extra or {}).get("security") or []
        return bool(security) and {} not in security

    @property
    def takes_optional_token(self) -> bool:
        security = (self.openapi_extra or {}).get("security") or []
        return {} in security and len(security) > 1

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        protected, optional = self.is_protected, self.takes_optional_token
        declared = frozenset(param.alias for param in self.dependant.query_params)
        takes_json = self.body_field is not None

        async def guarded(request: Request) -> Response:
            if takes_json:
                request = ExactJsonRequest(request.scope, request.receive)
            if protected or (optional and "authorization" in request.headers):
                # A token sent to a public route must be valid too (401), checked alike.
                request.scope[_ACTOR] = await authenticate_bearer(request)
            if request.scope["query_string"]:
                _refuse_undeclared(request, declared)
            if takes_json:
                await _require_json(request)
            return await handle(request)

        return guarded


def caller_if_any(request: Request) -> Actor | None:
    """The caller of an OPTIONAL_BEARER_AUTH route, or None for an anonymous one."""
    actor: Actor | None = request.scope.get(_ACTOR)
    return actor


def caller(request: Request) -> Actor:
    """The authenticated caller of a protected route."""
    try:
        actor: Actor = request.scope[_ACTOR]
    except KeyError:
        raise RuntimeError("caller() on a route without openapi_extra=BEARER_AUTH") from None
    return actor


async def authenticate_bearer(request: Request) -> Actor:
    """The caller, from its bearer token (RFC 6750), or InvalidToken (401). Protected routes
    call it through ApiRoute; public routes that serve admins more use it when a token is sent."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("missing bearer token")
    use_case = request.app.state.container.authenticate()
    actor: Actor = await use_case.execute(token.strip())
    return actor


def _refuse_undeclared(request: Request, declared: frozenset[str]) -> None:
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", name),
                    "msg": "unknown query parameter",
                    "type": "extra_forbidden",
                }
                for name in unknown
            ]
        )


async def _require_json(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in JSON_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        return
    if media_type or await request.body():
        raise HTTPException(415, "send the request body as application/json")
