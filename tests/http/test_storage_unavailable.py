"""A database that cannot be reached answers 503 with Retry-After, never a 500."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from entrypoints.container import build_container, close_resources
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.http.conftest import PASSWORD, SECRET


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture
async def unreachable() -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test",
        secret_key=SECRET,
        argon2_profile="CHEAPEST",
        hash_workers=0,  # threads: no process pool per test app
        access_log=False,
        allowed_hosts=["testserver"],
        _env_file=None,
    )
    container = build_container(settings)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await close_resources(container)


async def test_writes_answer_503_with_retry_after(unreachable: httpx.AsyncClient) -> None:
    response = await unreachable.post("/register", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "storage_unavailable"


async def test_readiness_reports_the_database_down(unreachable: httpx.AsyncClient) -> None:
    response = await unreachable.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["code"] == "not_ready"
