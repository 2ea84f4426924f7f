"""The access log's line for a chat socket: its path and 101 (the upgrade), never a 500
for a socket that ended normally, and never its query (a ticket)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.http.chat_sockets import chat_app, next_of, sign_up, ticket


def test_a_socket_is_logged_as_its_upgrade_without_its_query(
    tmp_path: Path, sqlite_template: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="caseworks.access")
    with chat_app(tmp_path, sqlite_template, access_log=True) as chat:
        alice = sign_up(chat, "alice")
        pending = ticket(chat, alice)
        with chat.websocket_connect(f"/ws/rooms/general?ticket={pending}") as socket:
            next_of(socket, "ready")
    [line] = [r for r in caplog.records if r.name == "caseworks.access" and r.method == "WS"]  # type: ignore[attr-defined]
    assert (line.path, line.status) == ("/ws/rooms/general", 101)  # type: ignore[attr-defined]
    assert pending not in line.getMessage() + str(vars(line))
