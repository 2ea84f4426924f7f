"""Inputs PostgreSQL refuses (NUL bytes, control characters) are 4xx there too, never 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from entrypoints.container import Container, build_container, close_resources
from entrypoints.http.app import create_app
from tests.http.conftest import PASSWORD, app_settings, bearer, login, register
from tests.support.storage import truncate_postgres


@pytest.fixture
def pg_container(postgres_database: str) -> Container:
    settings = app_settings(postgres_database)
    return build_container(settings)


@pytest.fixture
async def pg_client(pg_container: Container) -> AsyncIterator[httpx.AsyncClient]:
    await truncate_postgres(pg_container.engine())
    transport = httpx.ASGITransport(app=create_app(pg_container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await close_resources(pg_container)


async def test_the_todo_lifecycle_works_on_postgres(pg_client: httpx.AsyncClient) -> None:
    await register(pg_client, "alice")
    headers = bearer(await login(pg_client, "alice"))
    created = await pg_client.post(
        "/todos/", json={"task": "Buy milk", "order": 3}, headers=headers
    )
    assert created.status_code == 201
    url = created.headers["location"]
    patched = await pg_client.patch(url, json={"completed": True}, headers=headers)
    assert patched.json()["completed_at"] is not None
    listed = await pg_client.get("/todos/", headers=headers)
    assert listed.headers["x-total-count"] == "1"
    assert (await pg_client.delete(url, headers=headers)).status_code == 204


@pytest.mark.parametrize("task", ["a\u0000b", "bell\u0007", "\u001b[31mred"])
async def test_control_characters_in_a_task_are_422(
    pg_client: httpx.AsyncClient, task: str
) -> None:
    await register(pg_client, "alice")
    headers = bearer(await login(pg_client, "alice"))
    response = await pg_client.post("/todos/", json={"task": task}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_task"


async def test_nul_in_a_todo_id_reaches_no_route(pg_client: httpx.AsyncClient) -> None:
    await register(pg_client, "alice")
    headers = bearer(await login(pg_client, "alice"))
    assert (await pg_client.get("/todos/a%00b", headers=headers)).status_code == 404


async def test_nul_in_an_email_is_422(pg_client: httpx.AsyncClient) -> None:
    body = {"username": "alice", "password": PASSWORD, "email": "a\u0000@example.org"}
    response = await pg_client.post("/register", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_email"


async def test_nul_in_a_login_name_is_an_ordinary_401(pg_client: httpx.AsyncClient) -> None:
    response = await pg_client.post("/login", json={"username": "a\u0000b", "password": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
