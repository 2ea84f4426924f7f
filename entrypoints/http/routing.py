"""The route classes of every API route: what each route would otherwise have to remember.

Security is declared per router, never per route: `protected_router()` (a token is
required), `public_router()` (anyone) and `optional_token_router()` (anyone; a token, when
sent, is checked and shows more). A new public route goes on a public router, and the
route-walking 401 test (tests/http/test_route_edges.py) lists it as public.

- A protected route authenticates before anything else, so an anonymous bad request is a
  401, never a 422 that describes the body; it documents the bearer scheme in OpenAPI.
  The route reads its caller, typed, with `caller(request)`.
- Query parameters the route does not declare are a 422: a filter a client believes in
  (`DELETE /todos/?completed=true`) must never be silently dropped.
- A JSON body in any other media type is a 415, as on /login.
- A JSON body is an object (422 `body_not_object` for `1.5`, `[]` or `null`), and one
  that cannot be read is a 400 `malformed_json`, whatever the parser tripped on.
- A header the route takes once (`Idempotency-Key`) sent twice is a 400 `duplicate_header`.
- A 204 carries no Content-Type, and a path ends at its end: Python's `$` also matches
  before a trailing newline, so `/todos/%0A` once reached `/todos/`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol

from fastapi import APIRouter, Request, Response
from fastapi._compat import field_annotation_is_sequence
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from application.shared.actor import Actor
from entrypoints.http.problems import NOT_JSON, RequestRefused, responses

_ACTOR = "caseworks.actor"
SECURITY_SCHEME = "OAuth2PasswordBearer"


class Authenticator(Protocol):
    """What turns a bearer token into the caller (the accounts context's Authenticate):
    create_app puts a factory of it on `app.state.authenticator`."""

    async def execute(self, access_token: str) -> Actor:
        """The caller, or an Unauthenticated error (401) for a missing or bad token."""


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
# What json.loads raises on a body it cannot read: bad syntax or bytes (JSONDecodeError and
# UnicodeDecodeError are ValueErrors), an integer past sys.get_int_max_str_digits() (4,300
# digits: ValueError), an exponent no Decimal holds (1e99999999999999999999:
# InvalidOperation), nesting deeper than the recursion limit (RecursionError).
_UNREADABLE = (ValueError, InvalidOperation, RecursionError)
# What ExactJsonRequest.json() gives for a JSON value that is not an object.
_JSON_KINDS = {
    str: "a string",
    bool: "a boolean",
    int: "a number",
    Decimal: "a number",
    list: "an array",
    type(None): "null",
}


def _function_name(route: APIRoute) -> str:
    return route.name


class ApiRoute(APIRoute):
    """A public route; its subclasses below say who may call."""

    # OpenAPI security requirements: none; a token required; either.
    security: ClassVar[list[dict[str, list[str]]]] = []
    is_protected: ClassVar[bool] = False
    takes_optional_token: ClassVar[bool] = False

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # The operationId is the function's name (`place_order`), not FastAPI's name, path
        # and method: OpenAPI links name operations by it (links.py), so it stays put when
        # a path changes. Unique in the app: tests/http/test_openapi_links.py checks it.
        kwargs["generate_unique_id_function"] = _function_name
        if kwargs.get("status_code") == 204:
            kwargs["response_class"] = Response  # no body, so no Content-Type either
        if self.security:
            # /docs sends the token; the route class checks it.
            kwargs["openapi_extra"] = {**(kwargs.get("openapi_extra") or {})}
            kwargs["openapi_extra"]["security"] = self.security
        super().__init__(path, endpoint, **kwargs)
        # What this class itself may answer is documented here, so no route can forget it.
        statuses = {422} | ({401} if self.is_protected else set())
        if self.body_field is not None:
            statuses |= {400, 413, 415}
        if self.single_headers:
            statuses |= {400}
        self.responses = responses(*statuses) | self.responses
        pattern = self.path_regex.pattern
        assert pattern.endswith("$"), pattern
        self.path_regex = re.compile(pattern[:-1] + r"\Z")

    @property
    def reads_json(self) -> bool:
        """A body model, or a JSON body the route reads itself (/login: JSON or a form)."""
        content = (self.openapi_extra or {}).get("requestBody", {}).get("content", {})
        return self.body_field is not None or any(map(_is_json, content))

    @property
    def single_headers(self) -> tuple[str, ...]:
        """The headers the route declares as one value (FastAPI takes a list for a list)."""
        return tuple(
            param.alias
            for param in self.dependant.header_params
            if not field_annotation_is_sequence(param.field_info.annotation)
        )

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        protected, optional = self.is_protected, self.takes_optional_token
        declared = frozenset(param.alias for param in self.dependant.query_params)
        single_headers = self.single_headers
        takes_json, reads_json = self.body_field is not None, self.reads_json

        async def guarded(request: Request) -> Response:
            if reads_json:
                request = ExactJsonRequest(request.scope, request.receive)
            if protected or (optional and "authorization" in request.headers):
                # A token sent to a public route must be valid too (401), checked alike.
                request.scope[_ACTOR] = await authenticate_bearer(request)
            if request.scope["query_string"]:
                _refuse_undeclared(request, declared)
            if single_headers:
                _refuse_repeated(request, single_headers)
            if reads_json:
                await _check_body(request, json_only=takes_json)
            return await handle(request)

        return guarded


class ProtectedRoute(ApiRoute):
    security = [{SECURITY_SCHEME: []}]
    is_protected = True


class OptionalTokenRoute(ApiRoute):
    """Public, and shows more to some callers: a token, when sent, is checked too."""

    security = [{}, {SECURITY_SCHEME: []}]
    takes_optional_token = True


def public_router(**options: Any) -> APIRouter:
    return APIRouter(route_class=ApiRoute, **options)


def protected_router(**options: Any) -> APIRouter:
    return APIRouter(route_class=ProtectedRoute, **options)


def optional_token_router(**options: Any) -> APIRouter:
    return APIRouter(route_class=OptionalTokenRoute, **options)


def caller_if_any(request: Request) -> Actor | None:
    """The caller of an optional_token_router() route, or None for an anonymous one."""
    actor: Actor | None = request.scope.get(_ACTOR)
    return actor


def caller(request: Request) -> Actor:
    """The authenticated caller of a protected route."""
    try:
        actor: Actor = request.scope[_ACTOR]
    except KeyError:
        raise RuntimeError("caller() on a route outside a protected_router()") from None
    return actor


async def authenticate_bearer(request: Request) -> Actor:
    """The caller, from its bearer token (RFC 6750), or a 401. An empty token (none sent,
    or another scheme) is the authenticator's to refuse, like any other bad one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    authenticator: Callable[[], Authenticator] = request.app.state.authenticator
    # The session check and the route's own read then share one read transaction.
    request.app.state.share_reads()
    return await authenticator().execute(token)


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


def _refuse_repeated(request: Request, names: tuple[str, ...]) -> None:
    """FastAPI reads the first line of a header declared once and drops the others: the
    client meant one of them, and which one is not ours to guess."""
    for name in names:
        count = len(request.headers.getlist(name))
        if count > 1:
            detail = f"send the {name} header once, not {count} times"
            raise RequestRefused(400, "duplicate_header", detail, header=name)


def _is_json(media_type: str) -> bool:
    return media_type in JSON_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def _check_body(request: Request, json_only: bool) -> None:
    """A JSON body is an object; a route with a body model takes no other (415). A route
    that reads its own body (/login: JSON or a form) answers other media types itself."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if _is_json(media_type):
        await _require_json_object(request)
    elif json_only and (media_type or await request.body()):
        raise HTTPException(415, "send the request body as application/json")


async def _require_json_object(request: Request) -> None:
    """Parsed here, before FastAPI: it answers an unreadable number with a 400 of another
    code, and validates a body model with from_attributes=True, so a value that is no
    object (the Decimal of `1.5`) passed a patch as one that names no field."""
    if not await request.body():
        return  # no body at all: FastAPI's 422 says the body is required
    try:
        value = await request.json()
    except _UNREADABLE:
        raise RequestRefused(400, "malformed_json", NOT_JSON) from None
    if not isinstance(value, dict):
        kind = _JSON_KINDS.get(type(value), "another value")
        detail = f"the request body must be a JSON object, not {kind}"
        raise RequestRefused(422, "body_not_object", detail)
