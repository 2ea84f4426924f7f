"""What every JSON body and declared header meets before a route runs, walked over the
operations the OpenAPI document lists (so a new route is covered as it is added): a body
that is not a JSON object is a 422 `body_not_object`, one that cannot be read at all is a
400 `malformed_json`, and a header declared once but sent twice is a 400 `duplicate_header`;
none of them changes anything."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.http.conftest import SignUp, assert_problem, assert_unauthorized
from tests.http.shop_helpers import JSON, add_product

NOT_OBJECTS = [
    b"1.5",
    b"5",
    b'"x"',
    b"[]",
    b"null",
    b"true",
    b"0." + b"1" * 5000,  # a long fraction is still a number (an exact Decimal)
    b"1e999999999",
]
UNREADABLE = [
    b"{",
    b"1" * 5000,  # more digits than Python turns into an int (sys.get_int_max_str_digits)
    b'{"task": ' + b"1" * 5000 + b"}",
    b'{"price": 1e99999999999999999999}',  # an exponent no Decimal holds
    b"[" * 20_000 + b"]" * 20_000,  # deeper than the parser's recursion limit
    b'{"a": ' * 20_000 + b"1" + b"}" * 20_000,
]
# The JSON routes the walk must at least find (the issue names them).
NAMED = {
    ("POST", "/register"),
    ("POST", "/login"),
    ("POST", "/todos/"),
    ("PUT", "/todos/{todo_id}"),
    ("PATCH", "/todos/{todo_id}"),
    ("PATCH", "/products/{product_id}"),
    ("POST", "/orders"),
}


def operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path template, operation) of every operation the document lists."""
    return [
        (method.upper(), path, operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


def takes_json(operation: dict[str, Any]) -> bool:
    return "application/json" in operation.get("requestBody", {}).get("content", {})


def concrete(path: str, **ids: str) -> str:
    return re.sub(r"\{([^}]+)\}", lambda match: ids.get(match[1], "some-id"), path)


class World:
    """A todo and a product to aim at, and what a refused request must leave as it was."""

    def __init__(self, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
        self.client, self.admin = client, admin
        self.ids: dict[str, str] = {}

    async def populate(self) -> None:
        todo = await self.client.post("/todos/", json={"task": "keep me"}, headers=self.admin)
        mug = await add_product(self.client, self.admin, on_hand=5)
        self.ids = {"todo_id": todo.json()["id"], "product_id": mug["id"]}

    async def state(self) -> list[Any]:
        """The todo and the product as read (`updated_at` included), and how many todos,
        products, orders and users there are."""
        get = self.client.get
        todo = await get(f"/todos/{self.ids['todo_id']}", headers=self.admin)
        mug = await get(f"/products/{self.ids['product_id']}", headers=self.admin)
        counts = [
            (await get(path, headers=self.admin)).headers["X-Total-Count"]
            for path in ("/todos/", "/products", "/orders", "/users")
        ]
        return [todo.json(), mug.json(), counts]


@pytest.fixture
async def world(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> World:
    world = World(client, admin_headers)
    await world.populate()
    return world


async def send_to_every_json_route(
    app: FastAPI, world: World, body: bytes
) -> list[tuple[tuple[str, str], httpx.Response]]:
    sent = []
    for method, path, operation in operations(app):
        if takes_json(operation):
            url = concrete(path, **world.ids)
            headers = {**world.admin, **JSON}
            response = await world.client.request(method, url, content=body, headers=headers)
            sent.append(((method, path), response))
    assert {route for route, _ in sent} >= NAMED
    return sent


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=lambda body: body[:12].decode())
async def test_a_body_that_is_not_an_object_is_422_on_every_json_route(
    app: FastAPI, world: World, body: bytes
) -> None:
    before = await world.state()

    for route, response in await send_to_every_json_route(app, world, body):
        problem = assert_problem(response, 422, "body_not_object")
        assert "JSON object" in problem["detail"], route

    assert await world.state() == before  # nothing created, nothing moved (updated_at)


@pytest.mark.parametrize("body", UNREADABLE, ids=lambda body: body[:12].decode())
async def test_a_body_that_cannot_be_read_is_malformed_json_on_every_json_route(
    app: FastAPI, world: World, body: bytes
) -> None:
    before = await world.state()

    for _, response in await send_to_every_json_route(app, world, body):
        assert_problem(response, 400, "malformed_json")

    assert await world.state() == before


async def test_patch_with_a_bare_number_moves_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    """The issue's case: `1.5` once passed as a patch that names no field (200), moving
    `updated_at`; `5` was a 422 of another code."""
    todo_url = f"/todos/{world.ids['todo_id']}"
    before = await world.state()
    for body in (b"1.5", b"5"):
        response = await client.patch(todo_url, content=body, headers={**world.admin, **JSON})
        assert_problem(response, 422, "body_not_object")
    assert await world.state() == before


@pytest.mark.parametrize("keys", [("k-1", "k-2"), ("k-1", "k-1")])
async def test_two_idempotency_key_lines_are_400_and_place_no_order(
    client: httpx.AsyncClient, world: World, keys: tuple[str, str]
) -> None:
    before = await world.state()
    headers = [*world.admin.items(), *(("Idempotency-Key", key) for key in keys)]
    body = {"lines": [{"product_id": world.ids["product_id"], "quantity": 1}]}

    response = await client.post("/orders", json=body, headers=headers)

    problem = assert_problem(response, 400, "duplicate_header")
    assert problem["header"] == "Idempotency-Key"
    assert await world.state() == before  # no order, the stock untouched


async def test_every_declared_header_sent_twice_is_400_and_documented(
    app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    checked = set()
    for method, path, operation in operations(app):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "header":
                continue
            name = parameter["name"]
            twice = [(name, "a"), (name, "b")]
            url = concrete(path, **world.ids)
            response = await client.request(
                method, url, json={}, headers=[*world.admin.items(), *twice]
            )
            assert assert_problem(response, 400, "duplicate_header")["header"] == name
            assert "400" in operation["responses"], (method, path)
            if {} not in operation.get("security", [{}]):  # authentication still comes first
                assert_unauthorized(await client.request(method, url, json={}, headers=twice))
            checked.add((method, path, name))
    assert ("POST", "/orders", "Idempotency-Key") in checked


async def test_a_header_no_route_declares_may_repeat(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    headers = [*alice.items(), ("X-Note", "one"), ("X-Note", "two")]
    response = await client.post("/todos/", json={"task": "x"}, headers=headers)
    assert response.status_code == 201, response.text
