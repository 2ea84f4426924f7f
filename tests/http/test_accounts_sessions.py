"""Refresh-token rotation with reuse detection, and logout."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.http.conftest import assert_problem, assert_unauthorized, bearer, login, register


async def refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await client.post("/token/refresh", json={"refresh_token": refresh_token})


async def me(client: httpx.AsyncClient, tokens: dict[str, Any]) -> httpx.Response:
    return await client.get("/users/me", headers=bearer(tokens))


@pytest.fixture
async def tokens(client: httpx.AsyncClient) -> dict[str, Any]:
    await register(client, "alice")
    return await login(client, "alice")


async def test_refresh_rotates_both_tokens(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    response = await refresh(client, tokens["refresh_token"])

    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["token_type"] == "bearer"
    assert rotated["expires_in"] > 0
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["access_token"] != tokens["access_token"]
    assert (await me(client, rotated)).json()["username"] == "alice"


async def test_a_rotated_refresh_token_is_rejected(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    assert (await refresh(client, tokens["refresh_token"])).status_code == 200
    assert_unauthorized(await refresh(client, tokens["refresh_token"]))


async def test_reuse_revokes_the_whole_family(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    newest = (await refresh(client, tokens["refresh_token"])).json()
    assert (await me(client, newest)).status_code == 200

    assert_unauthorized(await refresh(client, tokens["refresh_token"]))  # replayed

    assert_unauthorized(await refresh(client, newest["refresh_token"]))
    assert_unauthorized(await me(client, newest))
    assert_unauthorized(await me(client, tokens))


async def test_reuse_leaves_other_logins_alone(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    other = await login(client, "alice")
    await refresh(client, tokens["refresh_token"])
    await refresh(client, tokens["refresh_token"])

    assert (await me(client, other)).status_code == 200
    assert (await refresh(client, other["refresh_token"])).status_code == 200


async def test_a_chain_of_rotations_keeps_working(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    current = tokens
    for _ in range(3):
        response = await refresh(client, current["refresh_token"])
        assert response.status_code == 200
        current = response.json()
    assert (await me(client, current)).status_code == 200


@pytest.mark.parametrize("token", ["unknown-token", "x" * 256])
async def test_unknown_refresh_token_is_401(client: httpx.AsyncClient, token: str) -> None:
    assert_unauthorized(await refresh(client, token))


async def test_an_access_token_is_not_a_refresh_token(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    response = await client.post(
        "/token/refresh", json={"refresh_token": tokens["access_token"][:256]}
    )
    assert_unauthorized(response)


@pytest.mark.parametrize(
    "body", [{}, {"refresh_token": ""}, {"refresh_token": 5}, {"refresh_token": "a", "x": 1}]
)
async def test_bad_refresh_bodies_are_422(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    assert_problem(await client.post("/token/refresh", json=body), 422)


async def test_logout_ends_the_session(client: httpx.AsyncClient, tokens: dict[str, Any]) -> None:
    response = await client.post("/logout", headers=bearer(tokens))

    assert response.status_code == 204
    assert response.content == b""
    assert_unauthorized(await me(client, tokens))
    assert_unauthorized(await refresh(client, tokens["refresh_token"]))
    assert_unauthorized(await client.post("/logout", headers=bearer(tokens)))


async def test_logout_ends_only_that_session(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    other = await login(client, "alice")
    await client.post("/logout", headers=bearer(tokens))
    assert (await me(client, other)).status_code == 200


async def test_logout_after_a_refresh_ends_the_family(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    rotated = (await refresh(client, tokens["refresh_token"])).json()
    assert (await client.post("/logout", headers=bearer(rotated))).status_code == 204
    assert_unauthorized(await refresh(client, rotated["refresh_token"]))
    assert_unauthorized(await me(client, tokens))


async def test_logout_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    assert_unauthorized(await client.post("/logout"))
