"""RFC 9457 problem details: the one error shape of the API."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """Documented shape of every error body (extra fields help fix the request)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str


def problem_response(
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    /,
    **extra: Any,
) -> JSONResponse:
    # Extra members help the client; they never replace the ones RFC 9457 defines.
    body = {
        **extra,
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


class RequestRefused(Exception):
    """The edge refuses the request as a whole (its framing, not one field of it) with a
    status and code of its own; errors.py answers it as a problem."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


# The one detail of a 400 `malformed_json`, whichever parser gave up on the body.
NOT_JSON = "request body is not valid JSON"


def internal_error_response() -> JSONResponse:
    """A bug on our side: the same answer wherever it is caught, nothing internal in it."""
    return problem_response(500, "internal_error", "an internal error occurred")


_DESCRIPTIONS = {
    400: "Malformed request (e.g. a body that is not valid JSON, a header sent twice, or a"
    " Host this server does not serve)",
    401: "Missing, invalid, expired or revoked credentials",
    403: "Authenticated, but not allowed to do this",
    404: "No such object, or not one the caller may see",
    409: "Conflicts with the current state",
    412: "If-Match names a version the object no longer has: read it again",
    413: "Request body larger than the limit",
    415: "Unsupported content type",
    422: "Input that can never be valid",
    429: "Too many attempts; see Retry-After",
    503: "The database is unavailable, or too many password checks wait; see Retry-After",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error statuses a route can return (each route here
    touches the database, so 503 is always among them)."""
    return {status: _problem(status) for status in sorted({*statuses, 503})}


# What the edge (middleware.py) answers before any route is chosen, whatever the route:
# a Host this server does not serve, a declared body over the limit.
EDGE_STATUSES = (400, 413)


def add_edge_responses(document: dict[str, Any]) -> None:
    """Declare EDGE_STATUSES on every operation of the document that does not yet."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            answers = operation.setdefault("responses", {})
            for status in EDGE_STATUSES:
                answers.setdefault(str(status), _problem(status))


def _problem(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
