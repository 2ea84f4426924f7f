"""CASEWORKS_REDIS_URL set but Redis unreachable: every route still answers as designed
(the limits fall back to this process, posting stores the message, presence says 503,
readiness 503), never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from entrypoints.container import build_container, close_resources
from entrypoints.http.app import create_app
from tests.http.conftest import PASSWORD, app_settings, assert_problem, bearer
from tests.http.test_storage_unavailable import closed_port
from tests.support.storage import sqlite_copy


@pytest.fixture
async def no_redis(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = app_settings(
        sqlite_copy(sqlite_template, tmp_path), redis_url=f"redis://127.0.0.1:{closed_port()}/0"
    )
    container = build_container(settings)
    transport = httpx.ASGITransport(app=create_app(container), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await close_resources(container)


async def test_every_redis_backed_route_answers_without_a_500(
    no_redis: httpx.AsyncClient,
) -> None:
    client = no_redis
    body = {"username": "alice", "password": PASSWORD}
    assert (await client.post("/register", json=body)).status_code == 201
    wrong = await client.post("/login", json={**body, "password": "not the password at all"})
    assert wrong.status_code == 401  # the throttle counted in this process
    logged_in = await client.post("/login", json=body)
    assert logged_in.status_code == 200, logged_in.text
    alice = bearer(logged_in.json())

    assert (await client.post("/rooms/general/join", headers=alice)).status_code == 204
    posted = await client.post("/rooms/general/messages", json={"text": "hi"}, headers=alice)
    assert posted.status_code == 201, posted.text  # stored; the bus could not publish

    online = await client.get("/rooms/general/online", headers=alice)
    assert_problem(online, 503, "storage_unavailable")
    assert online.headers["retry-after"] == "1"
    assert "online" in online.json()["detail"]

    assert (await client.get("/health/ready")).status_code == 503
