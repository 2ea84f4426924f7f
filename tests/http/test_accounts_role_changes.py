"""PUT /users/{id}/role: admins grant and revoke roles (user, clinician, admin); the change
applies to the user's next request, with the same token; every documented status."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from domain.accounts.model import ROLE_NAMES
from tests.http.conftest import (
    SignUp,
    assert_problem,
    assert_unauthorized,
    bearer,
    login,
    register,
)


async def put_role(
    client: httpx.AsyncClient, user_id: str, role: Any, headers: dict[str, str]
) -> httpx.Response:
    return await client.put(f"/users/{user_id}/role", json={"role": role}, headers=headers)


async def me(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/users/me", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def with_role(
    client: httpx.AsyncClient, admin: dict[str, str], username: str, role: str
) -> dict[str, str]:
    """Register `username`, give them `role` (as the admin) and log them in."""
    user = await register(client, username)
    if role != "user":
        assert (await put_role(client, user["id"], role, admin)).status_code == 200
    return bearer(await login(client, username))


# --- 200 --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clinician", "admin", "user"])
async def test_an_admin_grants_a_role(
    client: httpx.AsyncClient, admin_headers: dict[str, str], role: str
) -> None:
    alice = await register(client, "alice")

    response = await put_role(client, alice["id"], role, admin_headers)

    assert response.status_code == 200, response.text
    assert response.json() == {**alice, "role": role}
    seen = await client.get(f"/users/{alice['id']}", headers=admin_headers)
    assert seen.json()["role"] == role


async def test_an_admin_revokes_a_role(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    alice = await register(client, "alice")
    await put_role(client, alice["id"], "clinician", admin_headers)

    response = await put_role(client, alice["id"], "user", admin_headers)

    assert response.status_code == 200
    assert response.json()["role"] == "user"


async def test_the_same_role_again_changes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    root = await me(client, admin_headers)

    response = await put_role(client, root["id"], "admin", admin_headers)

    assert response.status_code == 200
    assert response.json() == root


# --- The next request, the same token ----------------------------------------------------


async def test_a_granted_role_applies_to_the_next_request_with_the_same_token(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    alice_id = (await me(client, alice))["id"]
    assert_problem(await client.get("/users", headers=alice), 403, "forbidden")

    await put_role(client, alice_id, "admin", admin_headers)

    assert (await client.get("/users", headers=alice)).status_code == 200
    assert (await me(client, alice))["role"] == "admin"


async def test_a_revoked_role_applies_to_the_next_request_with_the_same_token(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    boss = await with_role(client, admin_headers, "boss", "admin")
    boss_id = (await me(client, boss))["id"]
    assert (await client.get("/users", headers=boss)).status_code == 200

    await put_role(client, boss_id, "clinician", admin_headers)

    assert_problem(await client.get("/users", headers=boss), 403, "forbidden")
    assert (await me(client, boss))["role"] == "clinician"  # the session goes on


async def test_a_role_change_keeps_the_refresh_token(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    alice = await register(client, "alice")
    tokens = await login(client, "alice")

    await put_role(client, alice["id"], "clinician", admin_headers)
    refreshed = await client.post("/token/refresh", json={"refresh_token": tokens["refresh_token"]})

    assert refreshed.status_code == 200
    assert (await me(client, bearer(refreshed.json())))["role"] == "clinician"


# --- The role matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "lists_users", "sees_others", "changes_roles"),
    [  # changes_roles: (their own role, another user's)
        ("user", 403, 404, (403, 404)),
        ("clinician", 403, 404, (403, 404)),
        ("admin", 200, 200, (200, 200)),
    ],
)
async def test_what_each_role_may_do_to_users(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    role: str,
    lists_users: int,
    sees_others: int,
    changes_roles: tuple[int, int],
) -> None:
    caller = await with_role(client, admin_headers, "carol", role)
    myself = await me(client, caller)
    bob = await register(client, "bob")

    listing = await client.get("/users", headers=caller)
    other = await client.get(f"/users/{bob['id']}", headers=caller)
    bobs_role = await put_role(client, bob["id"], "clinician", caller)
    own_role = await put_role(client, myself["id"], "clinician", caller)  # an admin: last

    assert myself["role"] == role
    assert (await client.get(f"/users/{myself['id']}", headers=caller)).status_code == 200
    assert (listing.status_code, other.status_code) == (lists_users, sees_others)
    assert (own_role.status_code, bobs_role.status_code) == changes_roles
    expected_bob = "clinician" if role == "admin" else "user"
    seen = await client.get(f"/users/{bob['id']}", headers=admin_headers)
    assert seen.json()["role"] == expected_bob


# --- Refusals -----------------------------------------------------------------------------


async def test_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    alice = await register(client, "alice")
    assert_unauthorized(await client.put(f"/users/{alice['id']}/role", json={"role": "admin"}))


@pytest.mark.parametrize("role", ["user", "clinician"])
async def test_a_non_admin_changing_their_own_role_is_403(
    client: httpx.AsyncClient, admin_headers: dict[str, str], role: str
) -> None:
    caller = await with_role(client, admin_headers, "carol", role)
    myself = await me(client, caller)

    response = await put_role(client, myself["id"], "admin", caller)

    assert_problem(response, 403, "forbidden")
    assert (await me(client, caller))["role"] == role


async def test_a_non_admin_changing_another_users_role_is_404_as_if_unknown(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    bob = await register(client, "bob")
    alice = await signed_up("alice")

    other = await put_role(client, bob["id"], "admin", alice)
    missing = await put_role(client, "no-such-user", "admin", alice)

    assert_problem(other, 404, "user_not_found")
    assert_problem(missing, 404, "user_not_found")
    assert "bob" not in other.text
    assert other.json()["detail"].replace(bob["id"], "ID") == missing.json()["detail"].replace(
        "no-such-user", "ID"
    )


async def test_an_unknown_user_is_404_for_an_admin(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    assert_problem(
        await put_role(client, "nope", "clinician", admin_headers), 404, "user_not_found"
    )


async def test_the_last_admin_stepping_down_is_409(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    root = await me(client, admin_headers)

    for role in ("user", "clinician"):
        response = await put_role(client, root["id"], role, admin_headers)
        assert_problem(response, 409, "last_admin")
    assert (await client.get("/users", headers=admin_headers)).status_code == 200


async def test_an_admin_steps_down_when_another_remains(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await with_role(client, admin_headers, "boss", "admin")
    root = await me(client, admin_headers)

    response = await put_role(client, root["id"], "user", admin_headers)

    assert response.status_code == 200
    assert_problem(await client.get("/users", headers=admin_headers), 403, "forbidden")


@pytest.mark.parametrize("role", ["superuser", "Admin", "", "clinician "])
async def test_an_unknown_role_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], role: str
) -> None:
    alice = await register(client, "alice")

    response = await put_role(client, alice["id"], role, admin_headers)

    body = assert_problem(response, 422, "unknown_role")
    assert all(name in body["detail"] for name in ROLE_NAMES)


@pytest.mark.parametrize(
    "body",
    [{}, {"role": None}, {"role": 1}, {"role": ["admin"]}, {"role": "admin", "extra": 1}],
)
async def test_a_malformed_body_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    alice = await register(client, "alice")

    response = await client.put(f"/users/{alice['id']}/role", json=body, headers=admin_headers)

    assert_problem(response, 422)
    seen = await client.get(f"/users/{alice['id']}", headers=admin_headers)
    assert seen.json()["role"] == "user"


async def test_an_id_no_user_can_have_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    assert_problem(await put_role(client, "x" * 65, "admin", admin_headers), 422, "invalid_id")


async def test_a_body_of_another_type_is_415_and_unreadable_json_is_400(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    alice = await register(client, "alice")
    url = f"/users/{alice['id']}/role"

    as_text = {**admin_headers, "Content-Type": "text/plain"}
    as_json = {**admin_headers, "Content-Type": "application/json"}
    assert_problem(await client.put(url, content=b'{"role": "admin"}', headers=as_text), 415)
    assert_problem(await client.put(url, content=b'{"role": ', headers=as_json), 400)


async def test_a_body_over_the_limit_is_413(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = b'{"role": "' + b"a" * (1024 * 1024) + b'"}'
    headers = {**admin_headers, "Content-Type": "application/json"}

    response = await client.put("/users/some-id/role", content=body, headers=headers)

    assert_problem(response, 413, "body_too_large")


# --- The document --------------------------------------------------------------------------


def test_the_document_states_the_roles_and_every_status(app: FastAPI) -> None:
    document = app.openapi()
    operation = document["paths"]["/users/{user_id}/role"]["put"]

    assert set(operation["responses"]) == {
        "200", "400", "401", "403", "404", "409", "413", "415", "422", "503"
    }  # fmt: skip
    schema_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = document["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]
    assert body["properties"]["role"]["enum"] == list(ROLE_NAMES)
    assert body["additionalProperties"] is False
    user_out = document["components"]["schemas"]["UserOut"]
    assert user_out["properties"]["role"]["enum"] == list(ROLE_NAMES)
