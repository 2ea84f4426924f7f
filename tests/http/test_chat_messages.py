"""Posting and reading messages over HTTP: 201 then 200 for a resent client_id, 403 for a
reader who has not joined, 422 for the text and query rules, 429 past the rate."""

from __future__ import annotations

import json

import httpx
import pytest

from domain.chat.messages import MESSAGE_MAX
from tests.http.conftest import MEMORY_AND_SQLITE, SignUp, assert_problem

URL = "/rooms/general/messages"


async def joined(client: httpx.AsyncClient, signed_up: SignUp, name: str) -> dict[str, str]:
    headers = await signed_up(name)
    assert (await client.post("/rooms/general/join", headers=headers)).status_code == 204
    return headers


async def test_post_then_read(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await joined(client, signed_up, "alice")
    posted = await client.post(URL, json={"text": "hello", "client_id": "c-1"}, headers=alice)
    assert posted.status_code == 201, posted.text
    message = posted.json()
    assert message["id"] == 1
    assert message["room_id"] == "general"
    assert message["author"] == "alice"
    assert message["text"] == "hello"
    assert message["client_id"] == "c-1"
    assert message["sent_at"].endswith("Z")
    assert set(message) == {"id", "room_id", "author", "author_id", "text", "sent_at", "client_id"}
    second = await client.post(URL, json={"text": "again"}, headers=alice)
    assert second.json()["id"] == 2
    read = await client.get(URL, headers=alice)
    assert read.status_code == 200
    assert [m["text"] for m in read.json()["items"]] == ["hello", "again"]
    assert read.json()["last_id"] == 2
    caught_up = await client.get(f"{URL}?after=1", headers=alice)
    assert [m["id"] for m in caught_up.json()["items"]] == [2]
    older = await client.get(f"{URL}?before=2&limit=1", headers=alice)
    assert [m["id"] for m in older.json()["items"]] == [1]


async def test_a_resent_client_id_is_200_with_the_same_message(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await joined(client, signed_up, "alice")
    first = await client.post(URL, json={"text": "once", "client_id": "k"}, headers=alice)
    again = await client.post(URL, json={"text": "once", "client_id": "k"}, headers=alice)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (await client.get(URL, headers=alice)).json()["last_id"] == 1


async def test_a_reader_who_has_not_joined_cannot_post(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await joined(client, signed_up, "alice")
    bob = await signed_up("bob")
    await client.post(URL, json={"text": "for all"}, headers=alice)
    assert_problem(await client.post(URL, json={"text": "hi"}, headers=bob), 403, "not_a_member")
    assert [m["text"] for m in (await client.get(URL, headers=bob)).json()["items"]] == ["for all"]


async def test_an_unknown_room_is_404(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    assert_problem(await client.get("/rooms/nope/messages", headers=alice), 404, "room_not_found")


async def test_message_inputs_are_422(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await joined(client, signed_up, "alice")
    as_json = {**alice, "content-type": "application/json"}
    for body, code in [
        ({"text": " \n "}, "message_blank"),
        ({"text": "x" * (MESSAGE_MAX + 1)}, "message_too_long"),
        ({"text": "nul \u0000"}, "invalid_message"),
        ({"text": "\ud800"}, "invalid_text"),
        ({"text": "hi", "client_id": "has space"}, "invalid_client_id"),
        ({"text": 5}, None),
        ({"text": "hi", "extra": 1}, None),
        ({}, None),
    ]:
        # json.dumps escapes the lone surrogate, as a client's JSON may.
        sent = await client.post(URL, content=json.dumps(body), headers=as_json)
        assert_problem(sent, 422, code)
    for query in ["limit=0", "limit=101", "after=-1", "before=x", f"after={2**31}", "page=2"]:
        assert_problem(await client.get(f"{URL}?{query}", headers=alice), 422)
    assert (await client.get(URL, headers=alice)).json() == {"items": [], "last_id": 0}


async def test_a_malformed_body_is_400(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await joined(client, signed_up, "alice")
    headers = {**alice, "content-type": "application/json"}
    assert_problem(await client.post(URL, content=b"{", headers=headers), 400, "malformed_json")


async def test_more_than_the_rate_is_429_with_retry_after(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await joined(client, signed_up, "alice")
    sent = [await client.post(URL, json={"text": f"m{i}"}, headers=alice) for i in range(30)]
    statuses = [r.status_code for r in sent]
    assert statuses[:20] == [201] * 20  # the burst
    # 10 more a second: 10 posts here take far less than the second they would need.
    refused = [r for r in sent[20:] if r.status_code == 429]
    assert refused, statuses
    body = assert_problem(refused[0], 429, "rate_limited")
    assert int(refused[0].headers["retry-after"]) >= 1
    assert body["retry_after"] >= 1
    read = await client.get(f"{URL}?limit=100", headers=alice)
    assert read.json()["last_id"] == statuses.count(201)


@pytest.mark.parametrize("storage", MEMORY_AND_SQLITE, indirect=True)
async def test_the_flow_on_each_storage(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    room = (await client.post("/rooms", json={"name": "r", "private": True}, headers=alice)).json()
    url = f"/rooms/{room['id']}/messages"
    first = await client.post(url, json={"text": "a", "client_id": "k"}, headers=alice)
    again = await client.post(url, json={"text": "a", "client_id": "k"}, headers=alice)
    await client.post(url, json={"text": "b"}, headers=alice)
    assert (first.status_code, again.status_code) == (201, 200)
    read = (await client.get(f"{url}?after=1", headers=alice)).json()
    assert [m["text"] for m in read["items"]] == ["b"]
    assert read["last_id"] == 2
