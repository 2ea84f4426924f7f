"""GET /users/me and PUT /users/me/password."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.http.conftest import (
    PASSWORD,
    assert_problem,
    assert_unauthorized,
    bearer,
    login,
    register,
)

NEW_PASSWORD = "a brand new passphrase 42"


async def change(
    client: httpx.AsyncClient, tokens: dict[str, Any], current: str, new: str
) -> httpx.Response:
    return await client.put(
        "/users/me/password",
        json={"current_password": current, "new_password": new},
        headers=bearer(tokens),
    )


async def test_me_returns_the_caller(client: httpx.AsyncClient) -> None:
    user = await register(client, "alice")
    await register(client, "bob")
    tokens = await login(client, "alice")

    response = await client.get("/users/me", headers=bearer(tokens))

    assert response.status_code == 200
    assert response.json() == user


async def test_me_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    assert_unauthorized(await client.get("/users/me"))


async def test_change_password(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    tokens = await login(client, "alice")

    response = await change(client, tokens, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 204
    assert response.content == b""
    old = await client.post("/login", json={"username": "alice", "password": PASSWORD})
    assert_unauthorized(old)
    assert (await login(client, "alice", NEW_PASSWORD))["token_type"] == "bearer"


async def test_other_sessions_end_and_this_one_keeps_working(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    current = await login(client, "alice")
    other = await login(client, "alice")

    assert (await change(client, current, PASSWORD, NEW_PASSWORD)).status_code == 204

    assert_unauthorized(await client.get("/users/me", headers=bearer(other)))
    assert_unauthorized(
        await client.post("/token/refresh", json={"refresh_token": other["refresh_token"]})
    )
    assert (await client.get("/users/me", headers=bearer(current))).status_code == 200
    rotated = await client.post("/token/refresh", json={"refresh_token": current["refresh_token"]})
    assert rotated.status_code == 200


async def test_other_users_sessions_are_untouched(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    await register(client, "bob")
    alice, bob = await login(client, "alice"), await login(client, "bob")
    await change(client, alice, PASSWORD, NEW_PASSWORD)
    assert (await client.get("/users/me", headers=bearer(bob))).status_code == 200


async def test_wrong_current_password_is_403(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    tokens = await login(client, "alice")
    other = await login(client, "alice")

    response = await change(client, tokens, "not my password", NEW_PASSWORD)

    assert_problem(response, 403, "wrong_current_password")
    assert (await login(client, "alice"))["token_type"] == "bearer"  # unchanged
    assert (await client.get("/users/me", headers=bearer(other))).status_code == 200


@pytest.mark.parametrize(
    ("new", "rule"),
    [
        ("short", "min_length"),
        ("n" * 1025, "max_length"),
        ("ALICE-smith", "equals_username"),
        ("iloveyou", "common_password"),
    ],
)
async def test_weak_new_password_is_422(client: httpx.AsyncClient, new: str, rule: str) -> None:
    await register(client, "alice-smith")
    tokens = await login(client, "alice-smith")

    response = await change(client, tokens, PASSWORD, new)

    body = assert_problem(response, 422, "weak_password")
    assert body["rule"] == rule
    assert (await login(client, "alice-smith"))["token_type"] == "bearer"  # unchanged


@pytest.mark.parametrize(
    "body",
    [
        {"current_password": PASSWORD},
        {"new_password": NEW_PASSWORD},
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "x": 1},
        {"current_password": None, "new_password": NEW_PASSWORD},
    ],
)
async def test_bad_change_bodies_are_422(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    await register(client, "alice")
    tokens = await login(client, "alice")
    response = await client.put("/users/me/password", json=body, headers=bearer(tokens))
    assert_problem(response, 422, "validation_failed")


async def test_change_password_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/users/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert_unauthorized(response)
