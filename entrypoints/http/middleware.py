"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware): request ids, access log, guards."""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import time
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.problems import internal_error_response, problem_response
from entrypoints.logging_setup import request_id_var

access_log = logging.getLogger("caseworks.access")
error_log = logging.getLogger("caseworks.http")
_SAFE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._\-]{1,64}")


class RequestScope(Protocol):
    """Per-request storage state (the SQL adapters' shared read transaction)."""

    def scope(self) -> AbstractAsyncContextManager[None]: ...

    def share(self) -> None: ...


class RequestMetrics(Protocol):
    """What this middleware reports (adapters/metrics/prometheus.py)."""

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None: ...

    def socket_opened(self) -> None: ...

    def socket_closed(self) -> None: ...


UNMATCHED_ROUTE = "unmatched"


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when it is safe) and logs it,
    runs it inside the storage's request scope, when it has one, and reports it to the
    metrics: here, where the status and the time are known already, at no second layer."""

    def __init__(
        self,
        app: ASGIApp,
        log_requests: bool = True,
        storage: RequestScope | None = None,
        metrics: RequestMetrics | None = None,
    ) -> None:
        self.app = app
        self.log_requests = log_requests
        self.storage = storage
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or _new_request_id()
        header = (b"x-request-id", request_id.encode())
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status, responded, accepted = 500, False, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded, accepted
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                # A new list: the response object's own header list is left untouched.
                message["headers"] = [*message.get("headers", ()), header]
            elif message["type"] == "websocket.accept":
                status = 101  # switched protocols: the socket's own close code is its story
                if self.metrics is not None:
                    self.metrics.socket_opened()
                    accepted = True
            elif message["type"] == "websocket.close" and status == 500:
                status = 403  # refused before the handshake completed
            await send(message)

        try:
            if self.storage is not None and scope["type"] == "http":
                async with self.storage.scope():
                    await self.app(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        except Exception:
            # A bug on our side. Handled here, inside the request's context, so the log line
            # and the problem+json answer both carry the request id; nothing internal leaks.
            error_log.exception("unhandled error")
            if scope["type"] != "http" or responded:
                raise
            await internal_error_response()(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            if self.metrics is not None:
                if scope["type"] == "http":
                    route = route_template(scope)
                    self.metrics.observe_request(scope["method"], route, status, elapsed)
                elif accepted:
                    self.metrics.socket_closed()
            if self.log_requests:
                access_log.info(
                    "request",
                    extra={
                        "method": scope.get("method", "WS"),
                        "path": scope["path"],  # never the query string
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
            request_id_var.reset(token)


def route_template(scope: Scope) -> str:
    """The template of the route that answered ("/todos/{todo_id}"), which the router
    leaves in the scope; a request no route matched has only its path, unbounded."""
    path: str = getattr(scope.get("route"), "path", UNMATCHED_ROUTE)
    return path


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


# A path with a control character names no resource of ours, and must not reach a route
# (`$` in a route pattern matches before a trailing newline).
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")


class RequestGuardMiddleware:
    """Refuses, before any route runs: a Host that is not ours (400), a path with control
    characters (404), and a body over the limit (413, by Content-Length or while streaming).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, allowed_hosts: frozenset[str]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.any_host = "*" in allowed_hosts
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # A socket's own origin is judged by its Host: one not served (a rebound DNS
            # name) is refused before the handshake completes (HTTP 403).
            _, _, hosts = _request_headers(scope)
            if not self._serves(hosts):
                await send({"type": "websocket.close", "code": 1008})
                return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked, hosts = _request_headers(scope)
        refusal = None
        if not self._serves(hosts):
            refusal = problem_response(400, "unknown_host", "this server does not serve that host")
        elif _CONTROL_IN_PATH.search(scope["path"]):
            refusal = problem_response(404, "not_found", "Not Found")
        elif declared is not None and declared > self.max_bytes:
            refusal = problem_response(413, "body_too_large", BodyTooLarge(self.max_bytes).detail)
        if refusal is not None:
            # Outside the app's exception handlers here, so answer directly.
            await refusal(scope, receive, send)
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

    def _serves(self, hosts: list[str]) -> bool:
        # One Host, of the plain form name[:port]: base_url() echoes it into absolute URLs
        # ("localhost:@evil.example" would name another host), even with `*`.
        host = hosts[0] if len(hosts) == 1 else None
        if host is not None and _HOST.fullmatch(host) is None:
            host = None
        return not (hosts and host is None) and (
            self.any_host or host_name(host) in self.allowed_hosts
        )


_HOST = re.compile(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def host_name(host: str | None) -> str | None:
    """The name part of a Host header ("example.org:8000" -> "example.org", "[::1]:80" -> "::1")."""
    if not host:
        return None
    if host.startswith("["):
        return host[1:].partition("]")[0].lower()
    return host.rpartition(":")[0].lower() if ":" in host else host.lower()


def _request_headers(scope: Scope) -> tuple[int | None, bool, list[str]]:
    """(Content-Length or None, whether the body is chunked, the Host headers)."""
    length, chunked, hosts = None, False, []
    for name, value in scope["headers"]:
        if name == b"content-length":
            length = int(value) if value.isdigit() else None
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"host":
            hosts.append(value.decode("latin-1"))
    return length, chunked, hosts
