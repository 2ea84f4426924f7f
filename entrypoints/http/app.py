"""create_app(container) -> FastAPI. Two apps in one process never share state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from entrypoints.container import Container
from entrypoints.http import accounts, health, todos
from entrypoints.http.errors import install_error_handlers
from entrypoints.http.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from entrypoints.http.problems import Problem

DESCRIPTION = """Five FastAPI tutorial case studies, built for real on one hexagonal core.

Log in with the **Authorize** button (the OAuth2 password form) after `POST /register`.
Errors are `application/problem+json` (RFC 9457) with a machine-readable `code`."""


def create_app(container: Container) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if container.config.storage() == "sql":
            await container.engine().dispose()

    app = FastAPI(
        title="Caseworks",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.container = container
    for router in (health.router, accounts.router, todos.router):
        app.include_router(router)
    install_error_handlers(app)
    _document_problem_schema(app)

    # Added last = outermost: ids and access logs wrap everything, CORS answers preflights.
    # Our own limit, not FastAPI's max_body_size: that one answers 413 in text/plain.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=container.config.max_body_bytes())
    origins = container.config.cors_origins()
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["Location", "X-Total-Count", "Link", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestContextMiddleware, log_requests=container.config.access_log())
    return app


def _document_problem_schema(app: FastAPI) -> None:
    """Make `#/components/schemas/Problem` exist for the problem+json responses."""
    build = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.setdefault("Problem", Problem.model_json_schema())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
