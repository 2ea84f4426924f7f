"""Todos over HTTP: create, read, replace, update, delete; auth on every route; OpenAPI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from entrypoints.container import Container
from tests.http.conftest import SignUp
from tests.support.clock import ManualClock

PROBLEM_JSON = "application/problem+json"
ROUTES = [
    ("POST", "/todos/"),
    ("GET", "/todos/"),
    ("DELETE", "/todos/"),
    ("GET", "/todos/{id}"),
    ("PUT", "/todos/{id}"),
    ("PATCH", "/todos/{id}"),
    ("DELETE", "/todos/{id}"),
]


@pytest.fixture
def manual_clock(container: Container) -> ManualClock:
    """Near real time (tokens are checked against it), moved by hand between requests."""
    clock = ManualClock(datetime.now(UTC).replace(microsecond=123456))
    container.clock.override(clock)
    return clock


def parse_utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() == timedelta(0), value  # aware, and UTC
    return parsed


async def create(
    client: httpx.AsyncClient, headers: dict[str, str], **body: object
) -> dict[str, Any]:
    response = await client.post("/todos/", json={"task": "Buy milk", **body}, headers=headers)
    assert response.status_code == 201, response.text
    todo: dict[str, Any] = response.json()
    return todo


async def test_create_returns_201_with_location_and_the_todo(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    response = await client.post("/todos/", json={"task": "Buy milk"}, headers=alice)

    assert response.status_code == 201
    todo = response.json()
    assert set(todo) == {
        "id",
        "task",
        "completed",
        "order",
        "created_at",
        "updated_at",
        "completed_at",
        "url",
    }
    assert todo["task"] == "Buy milk"
    assert todo["completed"] is False
    assert todo["order"] is None
    assert todo["completed_at"] is None
    assert todo["url"] == f"http://testserver/todos/{todo['id']}"
    assert response.headers["Location"] == todo["url"]
    assert parse_utc(todo["created_at"]) == parse_utc(todo["updated_at"])


async def test_create_with_completed_and_order(
    client: httpx.AsyncClient, signed_up: SignUp, manual_clock: ManualClock
) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice, completed=True, order=7)

    assert todo["completed"] is True
    assert todo["order"] == 7
    assert parse_utc(todo["completed_at"]) == manual_clock.now()
    assert parse_utc(todo["created_at"]) == manual_clock.now()


async def test_task_is_trimmed_and_500_characters_are_allowed(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    assert (await create(client, alice, task="  Buy milk \n"))["task"] == "Buy milk"
    long_task = "x" * 500
    todo = await create(client, alice, task=f"   {long_task}   ")
    assert todo["task"] == long_task
    fetched = await client.get(todo["url"], headers=alice)
    assert fetched.json()["task"] == long_task


async def test_get_returns_exactly_what_create_returned(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice, task="Écrire ✓", completed=True, order=-3)

    response = await client.get(todo["url"], headers=alice)

    assert response.status_code == 200
    assert response.json() == todo  # timestamps survive storage to the microsecond, in UTC


async def test_put_replaces_every_field_and_omitted_ones_take_defaults(
    client: httpx.AsyncClient, signed_up: SignUp, manual_clock: ManualClock
) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice, completed=True, order=3)
    manual_clock.advance(seconds=5)

    response = await client.put(todo["url"], json={"task": " Walk dog "}, headers=alice)

    assert response.status_code == 200
    replaced = response.json()
    assert replaced["id"] == todo["id"]
    assert replaced["url"] == todo["url"]
    assert replaced["task"] == "Walk dog"
    assert replaced["completed"] is False
    assert replaced["order"] is None
    assert replaced["completed_at"] is None
    assert replaced["created_at"] == todo["created_at"]
    assert parse_utc(replaced["updated_at"]) == manual_clock.now()
    assert (await client.get(todo["url"], headers=alice)).json() == replaced


async def test_put_with_every_field(
    client: httpx.AsyncClient, signed_up: SignUp, manual_clock: ManualClock
) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice)
    manual_clock.advance(seconds=5)

    body = {"task": "Walk dog", "completed": True, "order": 2}
    response = await client.put(todo["url"], json=body, headers=alice)

    assert response.status_code == 200
    replaced = response.json()
    assert {key: replaced[key] for key in body} == body
    assert parse_utc(replaced["completed_at"]) == manual_clock.now()
    assert (await client.get(todo["url"], headers=alice)).json() == replaced


async def test_patch_changes_only_the_given_fields(
    client: httpx.AsyncClient, signed_up: SignUp, manual_clock: ManualClock
) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice, completed=True, order=4)
    manual_clock.advance(seconds=5)

    response = await client.patch(todo["url"], json={"task": "Buy oat milk"}, headers=alice)

    assert response.status_code == 200
    patched = response.json()
    assert patched["task"] == "Buy oat milk"
    assert patched["completed"] is True
    assert patched["order"] == 4
    assert patched["completed_at"] == todo["completed_at"]
    assert patched["created_at"] == todo["created_at"]
    assert parse_utc(patched["updated_at"]) == manual_clock.now()
    assert (await client.get(todo["url"], headers=alice)).json() == patched


async def test_patch_null_order_clears_it(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice, order=4)

    response = await client.patch(todo["url"], json={"order": None}, headers=alice)

    assert response.status_code == 200
    assert response.json()["order"] is None
    assert response.json()["task"] == "Buy milk"
    assert (await client.get(todo["url"], headers=alice)).json()["order"] is None


async def test_completed_at_is_set_on_completion_kept_while_done_and_cleared_on_reopen(
    client: httpx.AsyncClient, signed_up: SignUp, manual_clock: ManualClock
) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice)
    manual_clock.advance(seconds=10)
    done_at = manual_clock.now()

    done = (await client.patch(todo["url"], json={"completed": True}, headers=alice)).json()
    assert parse_utc(done["completed_at"]) == done_at

    manual_clock.advance(seconds=10)
    again = await client.patch(todo["url"], json={"completed": True}, headers=alice)
    assert parse_utc(again.json()["completed_at"]) == done_at  # completing twice keeps it

    manual_clock.advance(seconds=10)
    reopened = await client.patch(todo["url"], json={"completed": False}, headers=alice)
    assert reopened.json()["completed"] is False
    assert reopened.json()["completed_at"] is None
    assert (await client.get(todo["url"], headers=alice)).json()["completed_at"] is None


async def test_delete_then_get_is_404(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice)

    response = await client.delete(todo["url"], headers=alice)

    assert response.status_code == 204
    assert response.content == b""
    missing = await client.get(todo["url"], headers=alice)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM_JSON
    assert missing.json()["code"] == "todo_not_found"
    assert (await client.delete(todo["url"], headers=alice)).status_code == 404


async def test_delete_all_removes_only_the_callers_todos(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice, bob = await signed_up("alice"), await signed_up("bob")
    mine = [await create(client, alice, task=f"a{i}") for i in range(3)]
    theirs = await create(client, bob, task="b")

    response = await client.delete("/todos/", headers=alice)

    assert response.status_code == 204
    listed = await client.get("/todos/", headers=alice)
    assert listed.json() == []
    assert listed.headers["X-Total-Count"] == "0"
    assert (await client.get(mine[0]["url"], headers=alice)).status_code == 404
    assert (await client.get(theirs["url"], headers=bob)).json() == theirs
    assert (await client.delete("/todos/", headers=alice)).status_code == 204  # idempotent
    new = await create(client, alice, task="after")  # the list still works afterwards
    assert [t["id"] for t in (await client.get("/todos/", headers=alice)).json()] == [new["id"]]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic YWxpY2U6eA=="])
async def test_every_route_needs_a_bearer_token(
    client: httpx.AsyncClient,
    signed_up: SignUp,
    method: str,
    path: str,
    authorization: str | None,
) -> None:
    alice = await signed_up("alice")
    todo = await create(client, alice)  # a real todo: 401 must win over 200/404
    headers = {"Authorization": authorization} if authorization else {}
    body = {"task": "Hijack"} if method in ("POST", "PUT", "PATCH") else None

    response = await client.request(method, path.format(id=todo["id"]), json=body, headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == 401
    assert response.json()["code"]
    assert (await client.get(todo["url"], headers=alice)).json() == todo
    assert (await client.get("/todos/", headers=alice)).headers["X-Total-Count"] == "1"


async def test_a_logged_out_token_is_refused(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    assert (await client.post("/logout", headers=alice)).status_code == 204

    response = await client.get("/todos/", headers=alice)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_openapi_documents_the_error_statuses(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    collection, item = paths["/todos/"], paths["/todos/{todo_id}"]

    def documented(operation: dict[str, Any]) -> set[str]:
        return set(operation["responses"])

    for operation in (*collection.values(), *item.values()):
        assert "401" in documented(operation)
    for method in ("get", "put", "patch", "delete"):
        assert {"401", "404", "422"} <= documented(item[method])
    assert {"201", "400", "401", "422"} <= documented(collection["post"])
    assert {"200", "401", "422"} <= documented(collection["get"])
    assert {"400", "422"} <= documented(item["put"]) & documented(item["patch"])
    assert "204" in documented(collection["delete"]) & documented(item["delete"])
    problem = collection["post"]["responses"]["422"]["content"]
    assert problem[PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}
