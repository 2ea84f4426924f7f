"""Bad input: 422 (or 400 for malformed JSON) as problem+json, never a 500, nothing stored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.http.conftest import SignUp

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}
BODY_METHODS = ["POST", "PUT", "PATCH"]


async def setup(
    client: httpx.AsyncClient, signed_up: SignUp
) -> tuple[dict[str, str], dict[str, Any]]:
    alice = await signed_up("alice")
    body = {"task": "Original", "completed": True, "order": 5}
    response = await client.post("/todos/", json=body, headers=alice)
    assert response.status_code == 201, response.text
    return alice, response.json()


def target(method: str, todo: dict[str, Any]) -> str:
    return "/todos/" if method == "POST" else todo["url"]


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert set(problem) >= PROBLEM_KEYS
    assert problem["status"] == status
    if code is not None:
        assert problem["code"] == code


async def assert_nothing_changed(
    client: httpx.AsyncClient, alice: dict[str, str], todo: dict[str, Any]
) -> None:
    assert (await client.get(todo["url"], headers=alice)).json() == todo
    listed = await client.get("/todos/", headers=alice)
    assert listed.headers["X-Total-Count"] == "1"


@pytest.mark.parametrize("method", BODY_METHODS)
@pytest.mark.parametrize(
    ("task", "code"),
    [
        ("", "invalid_task"),
        ("   ", "invalid_task"),
        ("\t\n ", "invalid_task"),
        ("x" * 501, "invalid_task"),
        (" " + "x" * 501 + " ", "invalid_task"),
        ("x" * 2001, "invalid_task"),
        ("\u00a0", "invalid_task"),  # not trimmed, but a lone no-break space is no task
    ],
)
async def test_blank_or_too_long_task_is_422(
    client: httpx.AsyncClient, signed_up: SignUp, method: str, task: str, code: str
) -> None:
    alice, todo = await setup(client, signed_up)
    response = await client.request(
        method, target(method, todo), json={"task": task}, headers=alice
    )
    assert_problem(response, 422, code)
    await assert_nothing_changed(client, alice, todo)


READ_ONLY = [
    {"id": "0" * 32},
    {"created_at": "2020-01-01T00:00:00Z"},
    {"url": "http://evil.example/todos/x"},
]


@pytest.mark.parametrize(
    ("method", "extra"),
    [
        *[(method, {"owner_id": "someone"}) for method in BODY_METHODS],
        *[(method, {"Task": "case matters"}) for method in BODY_METHODS],
        # A todo's read-only fields are accepted (and ignored) by PUT alone.
        *[(method, extra) for method in ("POST", "PATCH") for extra in READ_ONLY],
    ],
)
async def test_unknown_fields_are_422(
    client: httpx.AsyncClient, signed_up: SignUp, method: str, extra: dict[str, Any]
) -> None:
    alice, todo = await setup(client, signed_up)
    body = {"task": "New", **extra}
    response = await client.request(method, target(method, todo), json=body, headers=alice)
    assert_problem(response, 422, "validation_failed")
    assert [e["loc"][-1] for e in response.json()["errors"]] == list(extra)
    await assert_nothing_changed(client, alice, todo)


@pytest.mark.parametrize("method", BODY_METHODS)
@pytest.mark.parametrize(
    "fields",
    [
        {"completed": "yes"},
        {"completed": "true"},
        {"completed": 1},
        {"order": "1"},
        {"order": 1.5},
        {"order": True},
        {"order": [1]},
        {"task": 42},
        {"task": ["Buy milk"]},
        {"task": {"text": "Buy milk"}},
        {"task": None},
    ],
)
async def test_wrong_types_are_422(
    client: httpx.AsyncClient, signed_up: SignUp, method: str, fields: dict[str, Any]
) -> None:
    alice, todo = await setup(client, signed_up)
    body = {"task": "New", **fields}
    response = await client.request(method, target(method, todo), json=body, headers=alice)
    assert_problem(response, 422, "validation_failed")
    await assert_nothing_changed(client, alice, todo)


@pytest.mark.parametrize("method", BODY_METHODS)
@pytest.mark.parametrize("order", [2**31, -(2**31) - 1, 10**30, 2.0**31])
async def test_an_order_outside_32_bits_is_422(
    client: httpx.AsyncClient, signed_up: SignUp, method: str, order: int | float
) -> None:
    """An integer, but one no todo can store: the domain's rule (invalid_order)."""
    alice, todo = await setup(client, signed_up)
    body = {"task": "New", "order": order}
    response = await client.request(method, target(method, todo), json=body, headers=alice)
    assert_problem(response, 422, "invalid_order")
    await assert_nothing_changed(client, alice, todo)


@pytest.mark.parametrize("method", BODY_METHODS)
async def test_a_lone_surrogate_in_the_task_is_422(
    client: httpx.AsyncClient, signed_up: SignUp, method: str
) -> None:
    alice, todo = await setup(client, signed_up)
    headers = {**alice, "Content-Type": "application/json"}
    raw = b'{"task": "milk \\ud800"}'  # valid JSON, but no valid Unicode string
    response = await client.request(method, target(method, todo), content=raw, headers=headers)
    assert_problem(response, 422, "invalid_text")
    assert response.json()["field"] == "task"
    await assert_nothing_changed(client, alice, todo)


@pytest.mark.parametrize("order", [2**31 - 1, -(2**31), 0])
async def test_32_bit_order_bounds_are_accepted(
    client: httpx.AsyncClient, signed_up: SignUp, order: int
) -> None:
    alice, todo = await setup(client, signed_up)
    created = await client.post("/todos/", json={"task": "x", "order": order}, headers=alice)
    assert created.status_code == 201
    assert (await client.get(created.json()["url"], headers=alice)).json()["order"] == order
    patched = await client.patch(todo["url"], json={"order": order}, headers=alice)
    assert patched.json()["order"] == order


@pytest.mark.parametrize("field", ["task", "completed"])
async def test_patch_null_for_a_required_field_is_422(
    client: httpx.AsyncClient, signed_up: SignUp, field: str
) -> None:
    alice, todo = await setup(client, signed_up)
    response = await client.patch(todo["url"], json={field: None}, headers=alice)
    assert_problem(response, 422, "validation_failed")
    await assert_nothing_changed(client, alice, todo)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
async def test_a_rejected_change_applies_none_of_its_fields(
    client: httpx.AsyncClient, signed_up: SignUp, method: str
) -> None:
    alice, todo = await setup(client, signed_up)
    for body in (
        {"task": "   ", "completed": False, "order": None},  # refused by the domain
        {"task": "New", "completed": False, "order": "7"},  # refused at the edge
    ):
        response = await client.request(method, todo["url"], json=body, headers=alice)
        assert response.status_code == 422
    await assert_nothing_changed(client, alice, todo)


async def test_put_without_task_is_422(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice, todo = await setup(client, signed_up)
    response = await client.put(todo["url"], json={"completed": False}, headers=alice)
    assert_problem(response, 422, "validation_failed")
    await assert_nothing_changed(client, alice, todo)


@pytest.mark.parametrize("method", BODY_METHODS)
@pytest.mark.parametrize("raw", [b'{"task": ', b"{'task': 'x'}", b'{"task": "x",}', b"task=x"])
async def test_malformed_json_is_400(
    client: httpx.AsyncClient, signed_up: SignUp, method: str, raw: bytes
) -> None:
    alice, todo = await setup(client, signed_up)
    headers = {**alice, "Content-Type": "application/json"}
    response = await client.request(method, target(method, todo), content=raw, headers=headers)
    assert_problem(response, 400, "malformed_json")
    await assert_nothing_changed(client, alice, todo)


@pytest.mark.parametrize("method", BODY_METHODS)
@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b'"task"', b"42", b'[{"task": "x"}]', b"[" * 3000 + b"]" * 3000],
)
async def test_odd_bodies_are_client_errors_not_500(
    client: httpx.AsyncClient, signed_up: SignUp, method: str, raw: bytes
) -> None:
    alice, todo = await setup(client, signed_up)
    headers = {**alice, "Content-Type": "application/json"}
    response = await client.request(method, target(method, todo), content=raw, headers=headers)
    assert response.status_code in (400, 422), response.text
    assert_problem(response, response.status_code)
    await assert_nothing_changed(client, alice, todo)


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
async def test_an_overlong_id_is_422_and_an_unknown_one_404(
    client: httpx.AsyncClient, signed_up: SignUp, method: str
) -> None:
    alice, todo = await setup(client, signed_up)
    body = {"task": "x"} if method in ("PUT", "PATCH") else None
    for bad_id in ("a" * 65, "caf%C3%A9"):  # too long; not ASCII
        refused = await client.request(method, "/todos/" + bad_id, json=body, headers=alice)
        assert_problem(refused, 422, "invalid_id")
    unknown = await client.request(method, "/todos/%27%20OR%201=1--", json=body, headers=alice)
    assert_problem(unknown, 404, "todo_not_found")
    await assert_nothing_changed(client, alice, todo)


async def test_a_todo_put_back_exactly_as_read_is_accepted(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice, todo = await setup(client, signed_up)
    as_read = {**todo, "task": "Changed", "id": "other", "created_at": "2020-01-01T00:00:00Z"}

    response = await client.put(todo["url"], json=as_read, headers=alice)

    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["task"] == "Changed"
    assert (changed["id"], changed["created_at"]) == (todo["id"], todo["created_at"])
    assert (await client.put(todo["url"], json=changed, headers=alice)).status_code == 200


async def test_an_integral_json_number_is_an_integer(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    """JSON has one number type, and JSON Schema counts 2.0 as an integer."""
    alice = await signed_up("alice")
    response = await client.post("/todos/", json={"task": "x", "order": 2.0}, headers=alice)
    assert response.status_code == 201, response.text
    assert response.json()["order"] == 2
