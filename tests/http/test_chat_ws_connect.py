"""Opening a chat socket: a single-use ticket or a bearer header, an allowed Origin, a
readable room; anything else is closed with 1008 before any frame is sent."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from tests.http.chat_sockets import (
    chat,  # noqa: F401 (fixture)
    chat_app,
    close_code,
    closed_with,
    next_of,
    sign_up,
    ticket,
)


def test_a_ticket_opens_the_room_once(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    one = ticket(chat, alice)
    with chat.websocket_connect(f"/ws/rooms/general?ticket={one}") as socket:
        ready = next_of(socket, "ready")
        assert ready == {"type": "ready", "room_id": "general", "last_id": 0}
    with chat.websocket_connect(f"/ws/rooms/general?ticket={one}") as socket:
        assert closed_with(socket) == 1008  # used


def test_a_bearer_header_opens_the_room(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    with chat.websocket_connect("/ws/rooms/general", headers=alice) as socket:
        assert next_of(socket, "ready")["room_id"] == "general"


def test_no_or_bad_credentials_are_1008(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    refused = [
        ("/ws/rooms/general", {}),
        ("/ws/rooms/general?ticket=not-a-ticket", {}),
        ("/ws/rooms/general", {"Authorization": "Bearer not.a.jwt"}),
        ("/ws/rooms/general", {"Authorization": "Basic YWxpY2U6cHc="}),
        # Two credentials at once: neither is guessed at.
        (f"/ws/rooms/general?ticket={ticket(chat, alice)}", alice),
    ]
    for path, headers in refused:
        with chat.websocket_connect(path, headers=headers) as socket:
            assert closed_with(socket) == 1008, path


def test_a_logged_out_session_cannot_use_its_ticket(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    pending = ticket(chat, alice)
    assert chat.post("/logout", headers=alice).status_code == 204
    with chat.websocket_connect(f"/ws/rooms/general?ticket={pending}") as socket:
        assert closed_with(socket) == 1008


def test_origin_must_be_the_servers_own_or_allowed(tmp_path: Path, sqlite_template: Path) -> None:
    with chat_app(tmp_path, sqlite_template, cors_origins=["https://app.example"]) as client:
        alice = sign_up(client, "alice")
        for origin, opens in [
            ("http://testserver", True),
            ("https://app.example", True),
            ("https://APP.example:443", True),
            ("https://evil.example", False),
            ("null", False),
            ("http://testserver.evil.example", False),
        ]:
            headers = {**alice, "Origin": origin}
            with client.websocket_connect("/ws/rooms/general", headers=headers) as socket:
                if opens:
                    assert next_of(socket, "ready")["type"] == "ready", origin
                else:
                    assert closed_with(socket) == 1008, origin


def test_a_private_room_is_closed_to_others(chat: TestClient) -> None:  # noqa: F811
    alice, bob = sign_up(chat, "alice"), sign_up(chat, "bob")
    room = chat.post("/rooms", json={"name": "secret", "private": True}, headers=alice).json()
    for path in (f"/ws/rooms/{room['id']}", "/ws/rooms/no-such-room"):
        with chat.websocket_connect(path, headers=bob) as socket:
            assert closed_with(socket) == 1008
    with chat.websocket_connect(f"/ws/rooms/{room['id']}", headers=alice) as socket:
        assert next_of(socket, "ready")["room_id"] == room["id"]


def test_a_bad_after_is_1008(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    for after in ("-1", "x", "1e3", "9" * 30):
        with chat.websocket_connect(f"/ws/rooms/general?after={after}", headers=alice) as socket:
            assert closed_with(socket) == 1008, after


def test_connecting_joins_a_public_room(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    with chat.websocket_connect("/ws/chat", headers=alice) as socket:
        next_of(socket, "ready")
        members = chat.get("/rooms/general/members", headers=alice).json()
        assert [m["username"] for m in members] == ["alice"]


def test_logging_out_closes_open_sockets(tmp_path: Path, sqlite_template: Path) -> None:
    with chat_app(tmp_path, sqlite_template, chat_session_check_seconds=0.1) as client:
        alice = sign_up(client, "alice")
        with client.websocket_connect("/ws/rooms/general", headers=alice) as socket:
            next_of(socket, "ready")
            assert client.post("/logout", headers=alice).status_code == 204
            assert close_code(socket) == 1008
