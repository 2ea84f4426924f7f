"""In-process chat sockets: Starlette's TestClient runs the app (lifespan included) and
speaks WebSocket to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession

from entrypoints.http.app import create_app
from tests.http.conftest import PASSWORD, make_container


@contextmanager
def chat_app(tmp_path: Path, sqlite_template: Path, **config: Any) -> Iterator[TestClient]:
    container = make_container(tmp_path, sqlite_template, "memory", **config)
    with TestClient(create_app(container), base_url="http://testserver") as client:
        yield client


def sign_up(client: TestClient, username: str) -> dict[str, str]:
    """Registers and logs in; the auth headers."""
    body = {"username": username, "password": PASSWORD}
    assert client.post("/register", json=body).status_code == 201
    tokens = client.post("/login", json=body).json()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def ticket(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post("/chat/tickets", headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["ticket"])


def frames_until(socket: WebSocketTestSession, kind: str) -> list[dict[str, Any]]:
    """The frames received up to and including the first of this type."""
    got: list[dict[str, Any]] = []
    while True:
        frame: dict[str, Any] = socket.receive_json()
        got.append(frame)
        if frame["type"] == kind:
            return got


def next_of(socket: WebSocketTestSession, kind: str) -> dict[str, Any]:
    return frames_until(socket, kind)[-1]


def closed_with(socket: WebSocketTestSession) -> int:
    """The close code of a socket the server closes before sending any frame."""
    message = socket.receive()
    assert message["type"] == "websocket.close", message
    return int(message["code"])


def close_code(socket: WebSocketTestSession) -> int:
    """The close code, after whatever frames came before it."""
    message = socket.receive()
    while message["type"] != "websocket.close":
        message = socket.receive()
    return int(message["code"])


@pytest.fixture
def chat(tmp_path: Path, sqlite_template: Path) -> Iterator[TestClient]:
    with chat_app(tmp_path, sqlite_template) as client:
        yield client
