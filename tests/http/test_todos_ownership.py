"""Another user's todo is a 404 on every method, for admins too, and is left untouched."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from application.accounts.dto import RegisterCommand
from domain.shared.roles import Role
from entrypoints.container import Container
from tests.http.conftest import PASSWORD, SignUp, bearer, login

ITEM_REQUESTS = [
    ("GET", None),
    ("PUT", {"task": "Taken over", "completed": True, "order": 1}),
    ("PATCH", {"task": "Taken over"}),
    ("PATCH", {"order": None}),
    ("DELETE", None),
]


async def alices_todo(
    client: httpx.AsyncClient, signed_up: SignUp
) -> tuple[dict[str, str], dict[str, Any]]:
    alice = await signed_up("alice")
    body = {"task": "Alice's secret", "order": 3}
    response = await client.post("/todos/", json=body, headers=alice)
    assert response.status_code == 201, response.text
    return alice, response.json()


async def assert_hidden(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    todo: dict[str, Any],
    method: str,
    body: dict[str, Any] | None,
) -> None:
    response = await client.request(method, todo["url"], json=body, headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "todo_not_found"
    assert "Alice" not in response.text  # nothing of the todo leaks
    # Exactly what a todo that never existed looks like (the id aside).
    missing = await client.request(method, "/todos/" + "0" * 32, json=body, headers=headers)
    assert missing.status_code == 404
    assert {k: v for k, v in missing.json().items() if k != "detail"} == {
        k: v for k, v in problem.items() if k != "detail"
    }


@pytest.mark.parametrize(("method", "body"), ITEM_REQUESTS)
async def test_another_user_gets_404_and_the_todo_is_unchanged(
    client: httpx.AsyncClient, signed_up: SignUp, method: str, body: dict[str, Any] | None
) -> None:
    alice, todo = await alices_todo(client, signed_up)
    bob = await signed_up("bob")

    await assert_hidden(client, bob, todo, method, body)

    assert (await client.get(todo["url"], headers=alice)).json() == todo


@pytest.mark.parametrize(("method", "body"), ITEM_REQUESTS)
async def test_an_admin_gets_404_too(
    client: httpx.AsyncClient,
    signed_up: SignUp,
    container: Container,
    method: str,
    body: dict[str, Any] | None,
) -> None:
    alice, todo = await alices_todo(client, signed_up)
    await (
        container.accounts()
        .register_user()
        .execute(RegisterCommand("root", PASSWORD, role=Role.ADMIN))
    )
    root = bearer(await login(client, "root"))
    assert (await client.get("/users/me", headers=root)).json()["role"] == "admin"

    await assert_hidden(client, root, todo, method, body)

    assert (await client.get(todo["url"], headers=alice)).json() == todo
    admin_list = await client.get("/todos/", headers=root)
    assert admin_list.json() == []
    assert admin_list.headers["X-Total-Count"] == "0"


async def test_lists_only_show_the_callers_todos(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice, todo = await alices_todo(client, signed_up)
    bob = await signed_up("bob")
    bobs = (await client.post("/todos/", json={"task": "Bob's"}, headers=bob)).json()

    for params in ({}, {"completed": "false"}, {"sort": "-order"}, {"limit": 200}):
        bob_list = await client.get("/todos/", params=params, headers=bob)
        assert bob_list.json() == [bobs]
        assert bob_list.headers["X-Total-Count"] == "1"
    assert (await client.get("/todos/", headers=alice)).json() == [todo]


async def test_delete_all_by_another_user_leaves_the_todo(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice, todo = await alices_todo(client, signed_up)
    bob = await signed_up("bob")

    assert (await client.delete("/todos/", headers=bob)).status_code == 204

    assert (await client.get(todo["url"], headers=alice)).json() == todo


async def test_owner_fields_in_a_body_do_not_reassign_a_todo(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice, todo = await alices_todo(client, signed_up)
    bob = await signed_up("bob")
    me = (await client.get("/users/me", headers=bob)).json()

    for method in ("PUT", "PATCH"):
        body = {"task": "mine now", "owner_id": me["id"]}
        response = await client.request(method, todo["url"], json=body, headers=alice)
        assert response.status_code == 422

    assert (await client.get(todo["url"], headers=alice)).json() == todo
    assert (await client.get("/todos/", headers=bob)).json() == []
