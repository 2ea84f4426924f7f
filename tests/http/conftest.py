from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from entrypoints.container import Container, build_container, close_resources
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.support.storage import sqlite_copy

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"


def app_settings(database_url: str, **fields: Any) -> Settings:
    """The settings an HTTP test's app runs on: cheap hashes in threads (no process pool
    per test app), no access log, the test client's hosts; `fields` override any."""
    values: dict[str, Any] = {
        "secret_key": SECRET,
        "argon2_profile": "CHEAPEST",
        "hash_workers": 0,
        "access_log": False,
        "allowed_hosts": ["testserver", "localhost"],
        **fields,
    }
    return Settings(database_url=database_url, _env_file=None, **values)


def make_container(tmp_path: Path, sqlite_template: Path, storage: str, **config: Any) -> Container:
    storage_kind = "memory" if storage == "memory" else "sql"
    settings = app_settings(sqlite_copy(sqlite_template, tmp_path), storage=storage_kind)
    return build_container(settings, **config)


# What the HTTP suite tests is the edge (statuses, headers, the error shape, auth), the same
# on every storage: it runs once, on memory. Storage behaviour is the contract suites'
# (tests/contract, all three adapters); tests/http/test_smoke_backends.py walks the main
# flows over HTTP on each backend. A test about one storage asks for it:
# `@pytest.mark.parametrize("storage", ["memory", "sqlite"], indirect=True)`.
MEMORY_AND_SQLITE = ["memory", "sqlite"]


@pytest.fixture
def storage(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "memory"))


@pytest.fixture
def container(tmp_path: Path, sqlite_template: Path, storage: str) -> Container:
    return make_container(tmp_path, sqlite_template, storage)


@pytest.fixture
async def app(container: Container) -> AsyncIterator[FastAPI]:
    yield create_app(container)
    await close_resources(container)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def register(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> dict[str, Any]:
    response = await client.post("/register", json={"username": username, "password": password})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> dict[str, Any]:
    response = await client.post("/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


SignUp = Callable[[str], Awaitable[dict[str, str]]]


@pytest.fixture
def signed_up(client: httpx.AsyncClient) -> SignUp:
    """`await signed_up("alice")` registers and logs in, returning the auth headers."""

    async def sign_up(username: str) -> dict[str, str]:
        await register(client, username)
        return bearer(await login(client, username))

    return sign_up


# --- Accounts fixtures (added below the shared ones) ---

OTHER_ADDRESS = ("198.51.100.23", 40000)


@pytest.fixture
async def other_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A second client on the same app, from another network address."""
    transport = httpx.ASGITransport(app=app, client=OTHER_ADDRESS)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        yield other


@pytest.fixture
async def admin_headers(client: httpx.AsyncClient, container: Container) -> dict[str, str]:
    """Auth headers of an administrator `root`, created the way the CLI does it."""
    from application.accounts.dto import RegisterCommand
    from domain.shared.roles import Role

    await (
        container.accounts()
        .register_user()
        .execute(RegisterCommand("root", PASSWORD, role=Role.ADMIN))
    )
    return bearer(await login(client, "root"))


def assert_problem(
    response: httpx.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    """The RFC 9457 shape every error of the API has; returns the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys(), body
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body


def assert_unauthorized(response: httpx.Response) -> dict[str, Any]:
    body = assert_problem(response, 401)
    assert response.headers.get("www-authenticate") == "Bearer"
    return body
