"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware): request ids, access log, body limit."""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.problems import internal_error_response, problem_response
from entrypoints.logging_setup import request_id_var

access_log = logging.getLogger("caseworks.access")
error_log = logging.getLogger("caseworks.http")
_SAFE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._\-]{1,64}")


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when it is safe) and logs it."""

    def __init__(self, app: ASGIApp, log_requests: bool = True) -> None:
        self.app = app
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or _new_request_id()
        header = (b"x-request-id", request_id.encode())
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status, responded = 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                # A new list: the response object's own header list is left untouched.
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # A bug on our side. Handled here, inside the request's context, so the log line
            # and the problem+json answer both carry the request id; nothing internal leaks.
            error_log.exception("unhandled error")
            if scope["type"] != "http" or responded:
                raise
            await internal_error_response()(scope, receive, send_with_id)
        finally:
            if self.log_requests:
                access_log.info(
                    "request",
                    extra={
                        "method": scope.get("method", "WS"),
                        "path": scope["path"],  # never the query string
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id_var.reset(token)


# A random per-process prefix and a counter: unique, and cheaper than uuid4 (a syscall).
_PROCESS_PREFIX = secrets.token_hex(6)
_sequence = itertools.count()


def _new_request_id() -> str:
    return f"{_PROCESS_PREFIX}{next(_sequence):010x}"


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id" and _SAFE_REQUEST_ID.fullmatch(value):
            return str(value.decode())
    return None


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than {limit} bytes")


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit, by Content-Length up front or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _body_headers(scope)
        if declared is not None and declared > self.max_bytes:
            # Outside the app's exception handlers here, so answer directly.
            too_large = BodyTooLarge(self.max_bytes)
            response = problem_response(413, "body_too_large", too_large.detail)
            await response(scope, receive, send)
            return
        if not chunked:
            # The server stops reading at Content-Length, so only a chunked body can grow.
            await self.app(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited_receive, send)


def _body_headers(scope: Scope) -> tuple[int | None, bool]:
    """(Content-Length or None, whether the body is chunked)."""
    length, chunked = None, False
    for name, value in scope["headers"]:
        if name == b"content-length":
            length = int(value) if value.isdigit() else None
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
    return length, chunked
