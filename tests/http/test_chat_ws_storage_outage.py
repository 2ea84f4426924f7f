"""A storage outage closes a chat socket with 1013 (try again later) and a warning, not
1011 and an error with a traceback: the client reconnects and catches up."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from adapters.memory.chat.presence import InMemoryPresence
from application.chat.presence import PresenceUnavailable
from application.chat.use_cases.messages import ReadMessages
from application.chat.use_cases.tickets import CheckSession
from application.shared.ports import StorageUnavailable
from tests.http.chat_sockets import chat_app, close_code, closed_with, next_of, sign_up


async def database_away(*args: object, **kwargs: object) -> object:
    raise StorageUnavailable("ConnectionRefusedError")


def assert_logged_as_outage(caplog: pytest.LogCaptureFixture, what: str = "storage") -> None:
    ours = [r for r in caplog.records if r.name.startswith("entrypoints.ws")]
    assert [r.levelno for r in ours] == [logging.WARNING], [r.getMessage() for r in ours]
    assert f"{what} unavailable" in ours[0].getMessage()
    assert ours[0].exc_info is None


def test_an_outage_on_an_open_socket_closes_it_with_1013(
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with chat_app(tmp_path, sqlite_template, chat_session_check_seconds=0.1) as client:
        alice = sign_up(client, "alice")
        with client.websocket_connect("/ws/rooms/general", headers=alice) as socket:
            next_of(socket, "ready")
            monkeypatch.setattr(CheckSession, "execute", database_away)
            assert close_code(socket) == 1013
    assert_logged_as_outage(caplog)


def test_an_outage_while_connecting_closes_with_1013(
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with chat_app(tmp_path, sqlite_template) as client:
        alice = sign_up(client, "alice")
        monkeypatch.setattr(ReadMessages, "execute", database_away)
        with client.websocket_connect("/ws/rooms/general", headers=alice) as socket:
            assert closed_with(socket) == 1013
    assert_logged_as_outage(caplog)


def test_presence_away_leaves_the_socket_open_with_a_warning_only(
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def redis_away(*args: object, **kwargs: object) -> object:
        raise PresenceUnavailable("Redis: ConnectionError")

    monkeypatch.setattr(InMemoryPresence, "enter", redis_away)  # as RedisPresence raises
    with chat_app(tmp_path, sqlite_template) as client:
        alice = sign_up(client, "alice")
        with client.websocket_connect("/ws/rooms/general", headers=alice) as socket:
            next_of(socket, "ready")
            socket.send_json({"type": "ping"})
            assert next_of(socket, "pong") == {"type": "pong"}
    assert_logged_as_outage(caplog, "presence")
