"""Limits that hold under parallel requests and odd input: throttles, paging, text."""

from __future__ import annotations

import asyncio

import httpx

from tests.http.conftest import PASSWORD, SignUp, assert_problem, register


async def test_a_burst_of_parallel_guesses_is_throttled_too(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    guesses = [{"username": "alice", "password": f"wrong-{i}"} for i in range(20)]
    guesses.append({"username": "alice", "password": PASSWORD})

    responses = await asyncio.gather(*(client.post("/login", json=g) for g in guesses))

    statuses = [r.status_code for r in responses]
    assert statuses.count(401) <= 5  # no more guesses than the limit got through
    assert statuses.count(429) >= 15
    assert 200 not in statuses[5:]  # the right password arrived after the limit: refused
    limited = next(r for r in responses if r.status_code == 429)
    assert int(limited.headers["retry-after"]) > 0


async def test_wrong_current_passwords_are_throttled(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    headers = await signed_up("alice")
    body = {"current_password": "not-it-at-all", "new_password": "a brand new passphrase"}
    for _ in range(5):
        response = await client.put("/users/me/password", json=body, headers=headers)
        assert_problem(response, 403, "wrong_current_password")

    right = {**body, "current_password": PASSWORD}
    blocked = await client.put("/users/me/password", json=right, headers=headers)
    assert_problem(blocked, 429, "too_many_login_attempts")
    assert int(blocked.headers["retry-after"]) > 0


async def test_offsets_beyond_the_maximum_are_422(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    headers = await signed_up("alice")
    for path in ("/todos/", "/users"):
        response = await client.get(f"{path}?offset={2**63}", headers=headers)
        assert_problem(response, 422, "validation_failed")


async def test_lone_surrogates_are_422_not_500(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    raw = b'{"username": "bob", "password": "abcdefgh\\ud800xyz"}'
    response = await client.post(
        "/register", content=raw, headers={"Content-Type": "application/json"}
    )
    assert assert_problem(response, 422, "invalid_text")["field"] == "password"

    headers = await signed_up("alice")
    change = b'{"current_password": "x", "new_password": "\\udfffabcdefgh"}'
    response = await client.put(
        "/users/me/password",
        content=change,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert assert_problem(response, 422, "invalid_text")["field"] == "new_password"


async def test_lone_surrogates_in_credentials_are_4xx_not_500(client: httpx.AsyncClient) -> None:
    json = {"Content-Type": "application/json"}
    # pydantic itself cannot take these (a length-checked string; /login's own JSON parser
    # calls a lone surrogate malformed), so they end at the edge; RefreshTokens and Login
    # refuse them too, for every other edge (tests/unit/test_text.py).
    raw = b'{"refresh_token": "\\ud800"}'
    response = await client.post("/token/refresh", content=raw, headers=json)
    assert_problem(response, 422, "validation_failed")
    for raw in [
        b'{"username": "alice", "password": "x\\ud800"}',
        b'{"username": "al\\udfffice", "password": "x"}',
    ]:
        assert_problem(await client.post("/login", content=raw, headers=json), 400)
