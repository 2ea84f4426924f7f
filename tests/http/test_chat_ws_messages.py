"""Messages over a chat socket: everyone in the room (the sender too) gets each one, with
ids 1, 2, 3…; a resend is acknowledged, never duplicated; catch-up replays what was
missed; bad frames get error frames and the socket stays open."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.testclient import TestClient

from application.chat.use_cases.messages import REPLAY_MAX
from tests.http.chat_sockets import (
    chat,  # noqa: F401 (fixture)
    chat_app,
    close_code,
    frames_until,
    next_of,
    sign_up,
)


def say(text: str, client_id: str | None = None) -> dict[str, str]:
    frame = {"type": "message", "text": text}
    return frame if client_id is None else {**frame, "client_id": client_id}


def test_everyone_in_the_room_gets_each_message_in_order(chat: TestClient) -> None:  # noqa: F811
    alice, bob = sign_up(chat, "alice"), sign_up(chat, "bob")
    with (
        chat.websocket_connect("/ws/rooms/general", headers=alice) as a,
        chat.websocket_connect("/ws/rooms/general", headers=bob) as b,
    ):
        next_of(a, "ready"), next_of(b, "ready")
        a.send_json(say("hi bob", "a-1"))
        b.send_json(say("hi alice"))
        for socket in (a, b):
            got = [next_of(socket, "message") for _ in range(2)]
            assert [m["id"] for m in got] == [1, 2]
            assert {(m["author"], m["text"]) for m in got} == {
                ("alice", "hi bob"),
                ("bob", "hi alice"),
            }
        first = got[0] if got[0]["author"] == "alice" else got[1]
        assert first["client_id"] == "a-1"
        assert set(first) == {
            "type", "id", "room_id", "author", "author_id", "text", "sent_at", "client_id"
        }  # fmt: skip
    history = chat.get("/rooms/general/messages", headers=alice).json()
    assert [m["id"] for m in history["items"]] == [1, 2]


def test_a_resend_is_acknowledged_to_the_sender_only(chat: TestClient) -> None:  # noqa: F811
    alice, bob = sign_up(chat, "alice"), sign_up(chat, "bob")
    with (
        chat.websocket_connect("/ws/rooms/general", headers=alice) as a,
        chat.websocket_connect("/ws/rooms/general", headers=bob) as b,
    ):
        next_of(a, "ready"), next_of(b, "ready")
        a.send_json(say("once", "same"))
        original = next_of(a, "message")
        a.send_json(say("once", "same"))
        assert next_of(a, "message") == original
        a.send_json({"type": "ping"})
        assert next_of(a, "pong") == {"type": "pong"}
        b.send_json({"type": "ping"})
        frames = frames_until(b, "pong")
        assert [f["id"] for f in frames if f["type"] == "message"] == [original["id"]]
    history = chat.get("/rooms/general/messages", headers=alice).json()["items"]
    assert [m["text"] for m in history] == ["once"]


def test_catch_up_replays_what_was_missed_then_goes_live(chat: TestClient) -> None:  # noqa: F811
    alice, bob = sign_up(chat, "alice"), sign_up(chat, "bob")
    assert chat.post("/rooms/general/join", headers=alice).status_code == 204
    for n in range(1, 6):
        chat.post("/rooms/general/messages", json={"text": f"m{n}"}, headers=alice)
    with chat.websocket_connect("/ws/rooms/general?after=2", headers=bob) as b:
        replay = frames_until(b, "ready")
        assert [f["id"] for f in replay[:-1]] == [3, 4, 5]
        assert replay[-1] == {"type": "ready", "room_id": "general", "last_id": 5}
        chat.post("/rooms/general/messages", json={"text": "m6"}, headers=alice)
        assert next_of(b, "message")["id"] == 6
    with chat.websocket_connect("/ws/rooms/general?after=6", headers=bob) as b:
        assert frames_until(b, "ready") == [{"type": "ready", "room_id": "general", "last_id": 6}]


def test_too_much_missed_is_a_reset(tmp_path: Path, sqlite_template: Path) -> None:
    with chat_app(tmp_path, sqlite_template) as client:
        alice = sign_up(client, "alice")
        client.post("/rooms/general/join", headers=alice)
        chat_container = client.app.state.chat  # type: ignore[attr-defined]
        actor = client.portal.call(  # type: ignore[union-attr]
            client.app.state.authenticator().execute,  # type: ignore[attr-defined]
            alice["Authorization"].removeprefix("Bearer "),
        )
        store = chat_container.post_message()
        store._rate = _Unlimited()  # the bench of 501 posts is not the rate rule's test
        for n in range(REPLAY_MAX + 1):
            client.portal.call(store.execute, actor, "general", f"m{n}", None)  # type: ignore[union-attr]
        with client.websocket_connect("/ws/rooms/general?after=0", headers=alice) as a:
            frames = frames_until(a, "ready")
            assert frames[0] == {"type": "reset", "room_id": "general", "last_id": REPLAY_MAX + 1}
            assert [f["type"] for f in frames] == ["reset", "ready"]


class _Unlimited:
    async def take(self, user_id: str, now: object) -> None:
        return None


def test_bad_frames_get_error_frames_and_the_socket_stays(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    with chat.websocket_connect("/ws/rooms/general", headers=alice) as a:
        next_of(a, "ready")
        for raw, code in [
            ("{not json", "malformed_json"),
            ("[1, 2]", "invalid_frame"),
            ('{"type": 7}', "invalid_frame"),
            ('{"type": "dance"}', "unknown_type"),
            ('{"type": "message"}', "invalid_frame"),
            ('{"type": "message", "text": "hi", "client_id": 5}', "invalid_frame"),
            ('{"type": "message", "text": "   "}', None),
            (json.dumps(say("x" * 5000)), None),
        ]:
            a.send_text(raw)
            error = next_of(a, "error")
            assert set(error) >= {"type", "code", "detail"}, raw
            if code is not None:
                assert error["code"] == code, raw
        a.send_bytes(b"binary")
        assert next_of(a, "error")["code"] == "binary_frame"
        a.send_json(say("still here"))
        assert next_of(a, "message")["text"] == "still here"


def test_a_frame_over_16_kib_closes_with_1009(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    with chat.websocket_connect("/ws/rooms/general", headers=alice) as a:
        next_of(a, "ready")
        a.send_text(json.dumps(say("x" * 17_000)))
        assert close_code(a) == 1009


def test_past_the_rate_an_error_frame_says_when_to_retry(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    with chat.websocket_connect("/ws/rooms/general", headers=alice) as a:
        next_of(a, "ready")
        for n in range(40):
            a.send_json(say(f"m{n}"))
        a.send_json({"type": "ping"})
        frames = frames_until(a, "pong")
        errors = [f for f in frames if f["type"] == "error"]
        assert errors, "40 messages at once is past a burst of 20"
        assert errors[0]["code"] == "rate_limited"
        assert errors[0]["retry_after"] > 0
        stored = len([f for f in frames if f["type"] == "message"])
        assert stored + len(errors) == 40


def test_the_tutorials_socket_takes_plain_text(chat: TestClient) -> None:  # noqa: F811
    alice = sign_up(chat, "alice")
    with chat.websocket_connect("/ws/chat", headers=alice) as a:
        next_of(a, "ready")
        a.send_text("hello, plain text")
        message = next_of(a, "message")
        assert (message["room_id"], message["text"]) == ("general", "hello, plain text")
        a.send_text('{"type": "message", "text": "json too"}')
        assert next_of(a, "message")["text"] == "json too"


def test_presence_is_announced_and_listed(chat: TestClient) -> None:  # noqa: F811
    alice, bob = sign_up(chat, "alice"), sign_up(chat, "bob")
    with chat.websocket_connect("/ws/rooms/general", headers=alice) as a:
        next_of(a, "ready")
        with chat.websocket_connect("/ws/rooms/general", headers=bob) as b:
            next_of(b, "ready")
            # Alice hears her own arrival first (she listens before she enters), then Bob's.
            mine, joined = next_of(a, "presence"), next_of(a, "presence")
            assert (mine["event"], mine["user"]["username"]) == ("join", "alice")
            assert (joined["event"], joined["user"]["username"]) == ("join", "bob")
            online = chat.get("/rooms/general/online", headers=alice).json()
            assert [u["username"] for u in online] == ["alice", "bob"]
        left = next_of(a, "presence")
        assert (left["event"], left["user"]["username"]) == ("leave", "bob")
        assert [u["username"] for u in chat.get("/rooms/general/online", headers=alice).json()] == [
            "alice"
        ]
