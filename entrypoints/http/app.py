"""create_app(container) -> FastAPI. Two apps in one process never share state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from entrypoints.container import (
    Container,
    close_resources,
    context_containers,
    create_configured_admin,
    jobs_by_context,
)
from entrypoints.http import health
from entrypoints.http.accounts import routes as accounts
from entrypoints.http.chat import routes as chat
from entrypoints.http.chat.page import install_chat_page
from entrypoints.http.clinic import routes as clinic
from entrypoints.http.cors import ProblemCORSMiddleware
from entrypoints.http.deps import SECURITY_SCHEMES
from entrypoints.http.docs import install_docs
from entrypoints.http.errors import install_error_handlers
from entrypoints.http.links import add_links
from entrypoints.http.metrics import MetricsAccess, flushing, install_metrics
from entrypoints.http.middleware import RequestContextMiddleware, RequestGuardMiddleware
from entrypoints.http.problems import Problem, add_edge_responses
from entrypoints.http.shop import routes as shop
from entrypoints.http.shop.money import publish_money_schemas
from entrypoints.http.todos import routes as todos
from entrypoints.jobs import registered, running_jobs
from entrypoints.ws.chat import routes as chat_sockets
from entrypoints.ws.chat.presence_refresh import renewing_presence
from entrypoints.ws.chat.settings import SocketSettings

DESCRIPTION = """Five FastAPI tutorial case studies, built for real on one hexagonal core.

Log in with the **Authorize** button (the OAuth2 password form) after `POST /register`.
Errors are `application/problem+json` (RFC 9457) with a machine-readable `code`.

**Chat sockets** (WebSocket, not listed below): `/ws/rooms/{room_id}` and `/ws/chat` (the
room `general`). Credentials: `?ticket=` from `POST /chat/tickets` (single use, 30 s) or
`Authorization: Bearer`; `?after=<last id seen>` replays what was missed. Client frames:
`{"type":"message","text","client_id"?}`, `{"type":"ping"}` (plain text on `/ws/chat` is a
message). Server frames: `{"type":"message","id","room_id","author","author_id","text",
"sent_at","client_id"}` (ids 1, 2, 3… per room; the sender's copy is its acknowledgement),
`{"type":"ready","room_id","last_id"}` after the replay, `{"type":"reset",…}` when more
than 500 were missed, `{"type":"presence","event":"join"|"leave","user"}`, `{"type":"pong"}`
and `{"type":"error","code","detail"}`. Close codes: 1008 credentials, origin or room;
1009 a frame over 16 KiB; 1013 too far behind (reconnect with `after`)."""


def create_app(container: Container) -> FastAPI:
    metrics = container.metrics()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            await create_configured_admin(container)
            # Every context's jobs (expiring unpaid orders, forgetting old idempotency
            # keys...) run in the background while the server runs.
            async with (
                running_jobs(registered(jobs_by_context(container))),
                renewing_presence(container.chat.presence()),
                flushing(metrics),
            ):
                yield
        finally:
            await close_resources(container)

    app = FastAPI(
        title="Caseworks",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load from a CDN; ours are in docs.py
        redoc_url=None,
    )
    app.state.container = container
    # Each context's routes reach their own container (http/<ctx>/use_cases.py); the
    # shared route classes reach the authenticator alone.
    for name, context in context_containers(container).items():
        setattr(app.state, name, context)
    app.state.authenticator = container.accounts.authenticate
    reads = container.request_reads()
    app.state.share_reads = reads.share if reads is not None else _reads_not_shared
    app.state.public_url = (container.config.public_url() or "").rstrip("/")
    app.state.chat_sockets = SocketSettings.of(container)
    # The routers carry no router-level options, so their routes join the app directly:
    # FastAPI 0.165 wraps an included router in a matcher that cost ~15 us a request.
    for router in (
        *todos.routers,
        *accounts.routers,
        *shop.routers,
        *clinic.routers,
        *chat.routers,
        health.router,
        chat_sockets.router,
    ):
        app.router.routes.extend(router.routes)
    publish_money_schemas(app, container.shop.currency())  # prices in this shop's currency
    install_docs(app)
    install_chat_page(app)  # the browser page at /chat (no CDN either)
    if metrics is not None:
        access = MetricsAccess.of(
            container.config.metrics_allow(),
            proxies_trusted=bool(container.config.trusted_proxies()),
        )
        install_metrics(app, metrics, access)
    install_error_handlers(app)
    _complete_openapi(app)

    # Added last = outermost: ids and access logs wrap everything, CORS answers preflights.
    # Our own limit, not FastAPI's max_body_size: that one answers 413 in text/plain.
    app.add_middleware(
        RequestGuardMiddleware,
        max_bytes=container.config.max_body_bytes(),
        allowed_hosts=frozenset(container.config.allowed_hosts()),
    )
    origins = container.config.cors_origins()
    if origins:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "Idempotency-Key"],
            expose_headers=[
                "Location",
                "X-Total-Count",
                "Link",
                "X-Request-ID",
                "Retry-After",
                "Idempotent-Replayed",
            ],
        )
    app.add_middleware(
        RequestContextMiddleware,
        log_requests=container.config.access_log(),
        storage=container.request_reads(),
        metrics=metrics,
    )
    return app


def _reads_not_shared() -> None:
    """In memory there is no read transaction to share."""


def _complete_openapi(app: FastAPI) -> None:
    """Add the Problem schema and the bearer scheme that routes refer to, the edge's
    answers to every operation, and the links."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {})
            components.setdefault("schemas", {}).setdefault("Problem", Problem.model_json_schema())
            components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
            add_edge_responses(schema)
            add_links(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
