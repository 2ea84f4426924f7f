"""A database that cannot be reached answers 503 with Retry-After, never a 500."""

from __future__ import annotations

import io
import json
import logging
import queue
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from logging.handlers import QueueHandler, QueueListener
from typing import Any

import httpx
import pytest

from entrypoints.container import build_container, close_resources
from entrypoints.http.app import create_app
from entrypoints.logging_setup import JsonFormatter, RequestIdFilter
from tests.http.conftest import PASSWORD, app_settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture
async def unreachable() -> AsyncIterator[httpx.AsyncClient]:
    settings = app_settings(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test")
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


async def test_readiness_reports_the_database_down(
    unreachable: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(2):
        response = await unreachable.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["code"] == "not_ready"
    # Polled through an outage: one line each time, what failed, and no traceback.
    logged = [r for r in caplog.records if r.name == "caseworks.health"]
    assert [r.levelno for r in logged] == [logging.WARNING] * 2
    for record in logged:
        assert record.exc_info is None
        assert "\n" not in record.getMessage()
        assert record.getMessage().startswith("readiness check failed: ")
        assert "Error" in record.getMessage()  # the error's class, e.g. OperationalError


@pytest.fixture
def json_log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """What the app logs, as JSON lines, through a queue: the lines are formatted on the
    listener's thread, where no request's context is, so only the request id stamped on a
    record when it was made (RequestIdFilter) can reach them."""
    stream = io.StringIO()
    output = logging.StreamHandler(stream)
    output.setFormatter(JsonFormatter())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    handler = QueueHandler(records)
    handler.addFilter(RequestIdFilter())
    listener = QueueListener(records, output)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    listener.start()
    running = True

    def lines() -> list[dict[str, Any]]:
        nonlocal running
        if running:
            listener.stop()  # every record queued so far is written
            running = False
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        lines()


async def test_a_storage_error_logs_the_request_id_of_its_request(
    json_log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    settings = app_settings(
        f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test", access_log=True
    )
    container = build_container(settings)
    transport = httpx.ASGITransport(app=create_app(container))
    body = {"username": "alice", "password": PASSWORD}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        given = await client.post("/register", json=body, headers={"X-Request-ID": "trace-1.a"})
        assigned = await client.post("/register", json=body)
    await close_resources(container)

    assert given.headers["x-request-id"] == "trace-1.a"
    logged = json_log_lines()
    for response in (given, assigned):
        assert response.status_code == 503
        ours = [
            line for line in logged if line.get("request_id") == response.headers["x-request-id"]
        ]
        [error] = [line for line in ours if line["logger"] == "caseworks.http"]
        assert error["msg"].startswith("storage unavailable")
        assert error["level"] == "error"
        [access] = [line for line in ours if line["logger"] == "caseworks.access"]
        assert access["status"] == 503
