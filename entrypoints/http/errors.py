"""The one table from error kinds to HTTP statuses, and the handlers that apply it."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from application.shared.ports import Overloaded, StorageConflict, StorageUnavailable
from domain.shared.errors import DomainError, ErrorKind, RateLimited
from entrypoints.http.problems import (
    NOT_JSON,
    RequestRefused,
    internal_error_response,
    problem_response,
)

log = logging.getLogger("caseworks.http")

STATUS_BY_KIND = {
    ErrorKind.INVALID: 422,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.PRECONDITION_FAILED: 412,
    ErrorKind.RATE_LIMITED: 429,
}

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = STATUS_BY_KIND[exc.kind]
    headers: dict[str, str] = {}
    if status == 401:
        headers.update(BEARER_CHALLENGE)
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    return problem_response(status, exc.code, exc.detail, headers, **exc.extra)


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_public(error) for error in exc.errors()]
    if any(error["type"] == "json_invalid" for error in errors):
        return problem_response(400, "malformed_json", NOT_JSON)
    first: dict[str, Any] = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    detail = f"{where}: {first['msg']}" if where else first["msg"]
    return problem_response(422, "validation_failed", detail, errors=errors)


async def on_request_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestRefused)
    return problem_response(exc.status, exc.code, exc.detail, **exc.extra)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names only the first route that matched the path; there may be more.
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(exc.status_code, code, detail, headers)


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def on_storage_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # The database (or Redis, for presence) went away or its pool is exhausted: the
    # client may retry; nothing that failed here was acknowledged, so nothing is lost.
    assert isinstance(exc, StorageUnavailable)
    log.error("storage unavailable: %s", exc)
    return problem_response(503, "storage_unavailable", exc.detail, {"Retry-After": "1"})


async def on_overloaded(request: Request, exc: Exception) -> JSONResponse:
    # E.g. a login flood filled the password checks' waiting line: answered at once, and
    # not logged (a flood would flood the log too); nothing was done.
    return problem_response(503, "overloaded", str(exc), {"Retry-After": "1"})


async def on_storage_conflict(request: Request, exc: Exception) -> JSONResponse:
    # A concurrent transaction won (serialization failure, deadlock): nothing was
    # committed, and the same request may succeed when sent again.
    log.warning("storage conflict: %s", exc)
    return problem_response(
        409,
        "concurrent_update",
        "a concurrent change got there first; retry the request",
        {"Retry-After": "1"},
    )


async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Last resort for errors outside RequestContextMiddleware (which handles the rest).
    log.exception("unhandled error", exc_info=exc)
    return internal_error_response()


def _public(error: Any) -> dict[str, Any]:
    """Keep what helps the client; drop `input` and `ctx`, which may echo secrets."""
    return {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error["type"]}


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(RequestRefused, on_request_refused)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(StorageUnavailable, on_storage_unavailable)
    app.add_exception_handler(StorageConflict, on_storage_conflict)
    app.add_exception_handler(Overloaded, on_overloaded)
    app.add_exception_handler(Exception, on_unexpected_error)
