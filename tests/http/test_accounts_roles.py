"""Who may see whom: GET /users (admins only) and GET /users/{id}."""

from __future__ import annotations

import httpx

from tests.http.conftest import SignUp, assert_problem, assert_unauthorized, register


async def test_admin_lists_users(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    alice = await register(client, "alice")

    response = await client.get("/users", headers=admin_headers)

    assert response.status_code == 200
    users = response.json()
    assert response.headers["x-total-count"] == "2"
    assert {u["username"] for u in users} == {"root", "alice"}
    assert alice in users
    assert {u["role"] for u in users if u["username"] == "root"} == {"admin"}
    assert all(set(u) == {"id", "username", "email", "role", "created_at"} for u in users)


async def test_admin_list_pages(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    for name in ["alice", "bob", "carol"]:
        await register(client, name)

    response = await client.get("/users", params={"limit": 2, "offset": 1}, headers=admin_headers)

    assert response.status_code == 200
    assert len(response.json()) == 2
    assert response.headers["x-total-count"] == "4"


async def test_list_limit_out_of_range_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    for params in ({"limit": 0}, {"limit": 100000}, {"offset": -1}, {"limit": "many"}):
        response = await client.get("/users", params=params, headers=admin_headers)
        assert_problem(response, 422)


async def test_non_admin_may_not_list_users(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    headers = await signed_up("alice")
    assert_problem(await client.get("/users", headers=headers), 403, "forbidden")


async def test_listing_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    assert_unauthorized(await client.get("/users"))


async def test_own_user_is_visible(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    headers = await signed_up("alice")
    me = (await client.get("/users/me", headers=headers)).json()

    response = await client.get(f"/users/{me['id']}", headers=headers)

    assert response.status_code == 200
    assert response.json() == me


async def test_other_users_are_not_found(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    bob = await register(client, "bob")
    headers = await signed_up("alice")

    other = await client.get(f"/users/{bob['id']}", headers=headers)
    missing = await client.get("/users/no-such-user", headers=headers)

    assert_problem(other, 404, "user_not_found")
    assert_problem(missing, 404, "user_not_found")
    assert "bob" not in other.text
    assert other.json()["detail"].replace(bob["id"], "ID") == missing.json()["detail"].replace(
        "no-such-user", "ID"
    )


async def test_admin_sees_any_user(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    bob = await register(client, "bob")

    response = await client.get(f"/users/{bob['id']}", headers=admin_headers)

    assert response.status_code == 200
    assert response.json() == bob


async def test_admin_gets_404_for_a_missing_user(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    assert_problem(await client.get("/users/nope", headers=admin_headers), 404)


async def test_get_user_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    bob = await register(client, "bob")
    assert_unauthorized(await client.get(f"/users/{bob['id']}"))
