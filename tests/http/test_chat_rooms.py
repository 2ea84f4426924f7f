"""The chat's room routes over HTTP: creating, listing, joining, members, tickets, and
what a private room is to anyone outside it (404)."""

from __future__ import annotations

import httpx

from tests.http.conftest import SignUp, assert_problem, assert_unauthorized

ROUTES = [
    ("POST", "/rooms"),
    ("GET", "/rooms"),
    ("GET", "/rooms/general"),
    ("POST", "/rooms/general/join"),
    ("POST", "/rooms/general/leave"),
    ("GET", "/rooms/general/members"),
    ("POST", "/rooms/general/members"),
    ("GET", "/rooms/general/messages"),
    ("POST", "/rooms/general/messages"),
    ("POST", "/chat/tickets"),
]


async def test_every_chat_route_needs_a_token(client: httpx.AsyncClient) -> None:
    for method, path in ROUTES:
        assert_unauthorized(await client.request(method, path, json={"text": "hi"}))


async def test_create_a_room_and_see_it(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    created = await client.post("/rooms", json={"name": "  lobby "}, headers=alice)
    assert created.status_code == 201, created.text
    room = created.json()
    assert room["name"] == "lobby"
    assert room["private"] is False
    assert room["last_message_id"] == 0
    assert created.headers["location"] == f"http://testserver/rooms/{room['id']}"
    listed = await client.get("/rooms", headers=alice)
    assert [r["id"] for r in listed.json()] == ["general", room["id"]]
    assert listed.headers["x-total-count"] == "2"
    got = await client.get(f"/rooms/{room['id']}", headers=alice)
    assert got.json()["member"] is True


async def test_room_inputs_are_422(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    assert_problem(
        await client.post("/rooms", json={"name": "  "}, headers=alice), 422, "invalid_room_name"
    )
    assert_problem(await client.post("/rooms", json={"name": "x" * 65}, headers=alice), 422)
    assert_problem(
        await client.post("/rooms", json={"name": "a", "private": "yes"}, headers=alice), 422
    )
    assert_problem(await client.get("/rooms?limit=0", headers=alice), 422)


async def test_join_leave_and_members(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    joined = await client.post("/rooms/general/join", headers=alice)
    again = await client.post("/rooms/general/join", headers=alice)
    assert (joined.status_code, again.status_code) == (204, 204)
    members = await client.get("/rooms/general/members", headers=alice)
    assert [m["username"] for m in members.json()] == ["alice"]
    assert (await client.post("/rooms/general/leave", headers=alice)).status_code == 204
    assert (await client.get("/rooms/general", headers=alice)).json()["member"] is False


async def test_a_private_room_is_404_to_others_until_invited(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice, eve = await signed_up("alice"), await signed_up("eve")
    room = (
        await client.post("/rooms", json={"name": "secret", "private": True}, headers=alice)
    ).json()
    url = f"/rooms/{room['id']}"
    for method, path in [
        ("GET", url),
        ("POST", f"{url}/join"),
        ("POST", f"{url}/leave"),
        ("GET", f"{url}/members"),
        ("GET", f"{url}/messages"),
    ]:
        assert_problem(await client.request(method, path, headers=eve), 404, "room_not_found")
    post = await client.post(f"{url}/messages", json={"text": "hi"}, headers=eve)
    assert_problem(post, 404, "room_not_found")
    assert [r["id"] for r in (await client.get("/rooms", headers=eve)).json()] == ["general"]
    eve_id = (await client.get("/users/me", headers=eve)).json()["id"]
    invited = await client.post(f"{url}/members", json={"user_id": eve_id}, headers=alice)
    assert invited.status_code == 204, invited.text
    assert (await client.get(url, headers=eve)).json()["member"] is True


async def test_inviting_needs_membership_and_a_user(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice, bob = await signed_up("alice"), await signed_up("bob")
    bob_id = (await client.get("/users/me", headers=bob)).json()["id"]
    refused = await client.post("/rooms/general/members", json={"user_id": bob_id}, headers=alice)
    assert_problem(refused, 403, "not_a_member")
    await client.post("/rooms/general/join", headers=alice)
    unknown = await client.post("/rooms/general/members", json={"user_id": "nobody"}, headers=alice)
    assert_problem(unknown, 404, "user_not_found")
    bad = await client.post("/rooms/general/members", json={"user_id": 7}, headers=alice)
    assert_problem(bad, 422)


async def test_a_ticket_is_issued(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    issued = await client.post("/chat/tickets", headers=alice)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["expires_in"] == 30
    assert len(body["ticket"]) >= 40
    second = (await client.post("/chat/tickets", headers=alice)).json()
    assert second["ticket"] != body["ticket"]
