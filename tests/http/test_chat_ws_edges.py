"""Chat sockets at their edges: what a client can send in the handshake never fails the
server (1008, not an error), and a reader who loses the room loses its socket."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from application.chat.use_cases.messages import MESSAGE_ID_MAX
from tests.http.chat_sockets import (
    chat,  # noqa: F401 (fixture)
    chat_app,
    close_code,
    closed_with,
    next_of,
    sign_up,
)


def test_an_origin_or_after_no_server_could_read_is_1008(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    for origin in ("http://testserver:99999", "http://testserver:abc", "ftp://testserver", "x"):
        with chat.websocket_connect("/ws/chat", headers={**alice, "Origin": origin}) as socket:
            assert closed_with(socket) == 1008, origin
    with chat.websocket_connect(f"/ws/chat?after={MESSAGE_ID_MAX + 1}", headers=alice) as socket:
        assert closed_with(socket) == 1008
    with chat.websocket_connect(f"/ws/chat?after={MESSAGE_ID_MAX}", headers=alice) as socket:
        assert next_of(socket, "ready")["last_id"] == 0


def test_a_host_the_server_does_not_serve_gets_no_socket(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    rebound = {**alice, "Host": "evil.example", "Origin": "http://evil.example"}
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        chat.websocket_connect("/ws/chat", headers=rebound),
    ):
        pass
    assert refused.value.code == 1008


def test_leaving_a_private_room_closes_its_socket(tmp_path: Path, sqlite_template: Path) -> None:
    with chat_app(tmp_path, sqlite_template, chat_session_check_seconds=0.1) as client:
        alice, bob = sign_up(client, "alice"), sign_up(client, "bob")
        room = client.post("/rooms", json={"name": "two", "private": True}, headers=alice).json()
        bob_id = client.get("/users/me", headers=bob).json()["id"]
        invited = client.post(
            f"/rooms/{room['id']}/members", json={"user_id": bob_id}, headers=alice
        )
        assert invited.status_code == 204
        with client.websocket_connect(f"/ws/rooms/{room['id']}", headers=bob) as socket:
            next_of(socket, "ready")
            assert client.post(f"/rooms/{room['id']}/leave", headers=bob).status_code == 204
            assert close_code(socket) == 1008


def test_a_gap_wider_than_one_read_is_filled_whole(chat: TestClient) -> None:  # noqa: F811
    """Messages the bus never brought (another server's, or while it was away) are read
    from storage before the next one it does bring, however many."""
    posters = [sign_up(chat, f"poster{n}") for n in range(13)]  # 20 each: the rate is per user
    for headers in posters:
        assert chat.post("/rooms/general/join", headers=headers).status_code == 204
    bus = chat.app.state.chat.bus()  # type: ignore[attr-defined]
    with chat.websocket_connect("/ws/rooms/general", headers=posters[0]) as socket:
        next_of(socket, "ready")
        publish, bus.publish = bus.publish, _dropped  # the bus loses the next 250
        try:
            for n in range(250):
                body = {"text": f"m{n}"}
                chat.post("/rooms/general/messages", json=body, headers=posters[n // 20])
        finally:
            bus.publish = publish
        chat.post("/rooms/general/messages", json={"text": "last"}, headers=posters[12])
        ids = [next_of(socket, "message")["id"] for _ in range(251)]
        assert ids == list(range(1, 252))


async def _dropped(event: object) -> None:
    return None
