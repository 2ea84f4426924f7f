"""CORS: only configured origins get CORS headers, and they may read the paging headers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest

from entrypoints.http.app import create_app
from tests.http.conftest import bearer, login, make_container, register

ALLOWED = "https://app.example"
OTHER = "https://evil.example"
ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_with(tmp_path: Path, sqlite_template: Path, storage: str) -> ClientFactory:
    """`async with client_with(cors_origins=[...]) as client:` an app with that config."""

    @asynccontextmanager
    async def build(**config: object) -> AsyncIterator[httpx.AsyncClient]:
        container = make_container(tmp_path, sqlite_template, storage, **config)
        transport = httpx.ASGITransport(app=create_app(container))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                yield c
        finally:
            if container.config.storage() == "sql":
                await container.engine().dispose()

    return build


async def sign_up(client: httpx.AsyncClient) -> dict[str, str]:
    await register(client, "alice")
    return bearer(await login(client, "alice"))


def preflight(origin: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type",
    }


def exposed(response: httpx.Response) -> set[str]:
    value = response.headers.get("access-control-expose-headers", "")
    return {name.strip().lower() for name in value.split(",") if name.strip()}


@pytest.mark.parametrize(("path", "method"), [("/todos/", "POST"), ("/todos/abc", "PATCH")])
async def test_preflight_from_an_allowed_origin(
    client_with: ClientFactory, path: str, method: str
) -> None:
    async with client_with(cors_origins=[ALLOWED]) as client:
        response = await client.options(path, headers=preflight(ALLOWED, method))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert method in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers


async def test_actual_responses_expose_location_total_and_link(
    client_with: ClientFactory,
) -> None:
    async with client_with(cors_origins=[ALLOWED]) as client:
        alice = {**await sign_up(client), "Origin": ALLOWED}
        created = await client.post("/todos/", json={"task": "a"}, headers=alice)
        await client.post("/todos/", json={"task": "b"}, headers=alice)
        listed = await client.get("/todos/", params={"limit": 1}, headers=alice)
        unauthenticated = await client.get("/todos/", headers={"Origin": ALLOWED})

    assert created.status_code == 201
    assert created.headers["access-control-allow-origin"] == ALLOWED
    assert {"location", "x-total-count", "link"} <= exposed(created)
    assert listed.headers["access-control-allow-origin"] == ALLOWED
    assert {"location", "x-total-count", "link"} <= exposed(listed)
    assert "Link" in listed.headers
    assert listed.headers["X-Total-Count"] == "2"
    # A browser app must be able to read the 401 too, to know it should log in again.
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["access-control-allow-origin"] == ALLOWED


async def test_a_disallowed_origin_gets_no_allow_origin(client_with: ClientFactory) -> None:
    async with client_with(cors_origins=[ALLOWED]) as client:
        alice = {**await sign_up(client), "Origin": OTHER}
        pre = await client.options("/todos/", headers=preflight(OTHER))
        actual = await client.get("/todos/", headers=alice)

    assert "access-control-allow-origin" not in pre.headers
    assert pre.status_code >= 400
    assert actual.status_code == 200  # the server answers; the browser withholds it
    assert "access-control-allow-origin" not in actual.headers
    assert "access-control-allow-credentials" not in actual.headers


async def test_no_cors_headers_by_default(client_with: ClientFactory) -> None:
    async with client_with() as client:
        alice = {**await sign_up(client), "Origin": ALLOWED}
        pre = await client.options("/todos/", headers=preflight(ALLOWED))
        actual = await client.get("/todos/", headers=alice)

    assert actual.status_code == 200
    for response in (pre, actual):
        assert not [name for name in response.headers if name.startswith("access-control-")]


async def test_a_refused_preflight_is_a_problem(client_with: ClientFactory) -> None:
    async with client_with(cors_origins=[ALLOWED]) as client:
        response = await client.options("/todos/", headers=preflight(OTHER))

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "cors_preflight_refused"
    assert "origin" in response.json()["detail"]
