"""GET /todos/: a plain array with limit/offset, filter, sort, X-Total-Count and Link."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from entrypoints.container import Container
from tests.http.conftest import SignUp
from tests.support.clock import ManualClock

NEXT_LINK = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


@pytest.fixture
def manual_clock(container: Container) -> ManualClock:
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(clock)
    return clock


async def create(
    client: httpx.AsyncClient, headers: dict[str, str], task: str, **body: object
) -> dict[str, Any]:
    response = await client.post("/todos/", json={"task": task, **body}, headers=headers)
    assert response.status_code == 201, response.text
    todo: dict[str, Any] = response.json()
    return todo


def next_url(response: httpx.Response) -> str | None:
    link = response.headers.get("Link")
    if link is None:
        return None
    match = NEXT_LINK.match(link)
    assert match, link
    return match["url"]


def required_next_url(response: httpx.Response) -> str:
    url = next_url(response)
    assert url is not None, "no Link: rel=next header"
    return url


async def test_list_is_a_plain_array_of_the_callers_todos(
    client: httpx.AsyncClient, signed_up: SignUp, manual_clock: ManualClock
) -> None:
    alice, bob = await signed_up("alice"), await signed_up("bob")
    first = await create(client, alice, "one")
    manual_clock.advance(seconds=1)
    second = await create(client, alice, "two", completed=True, order=1)
    await create(client, bob, "bob's")

    response = await client.get("/todos/", headers=alice)

    assert response.status_code == 200
    assert response.json() == [first, second]  # same shape as a single todo, oldest first
    assert response.headers["X-Total-Count"] == "2"
    assert "Link" not in response.headers


async def test_empty_list(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    response = await client.get("/todos/", headers=alice)
    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["X-Total-Count"] == "0"
    assert "Link" not in response.headers


async def test_default_limit_is_50(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")
    for i in range(51):
        await create(client, alice, f"t{i:02}")

    response = await client.get("/todos/", headers=alice)

    assert len(response.json()) == 50
    assert response.headers["X-Total-Count"] == "51"
    following = await client.get(required_next_url(response), headers=alice)
    assert len(following.json()) == 1
    assert "Link" not in following.headers
    big = await client.get("/todos/", params={"limit": 200}, headers=alice)
    assert big.status_code == 200
    assert len(big.json()) == 51


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 201},
        {"limit": 0},
        {"limit": -1},
        {"limit": "ten"},
        {"offset": -1},
        {"offset": "x"},
        {"completed": "maybe"},
        {"sort": "priority"},
        {"sort": "owner_id"},
        {"sort": "--task"},
        {"sort": ""},
    ],
)
async def test_bad_query_parameters_are_422(
    client: httpx.AsyncClient, signed_up: SignUp, params: dict[str, Any]
) -> None:
    alice = await signed_up("alice")
    response = await client.get("/todos/", params=params, headers=alice)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "validation_failed"


async def test_completed_filter_and_its_total(
    client: httpx.AsyncClient, signed_up: SignUp, manual_clock: ManualClock
) -> None:
    alice = await signed_up("alice")
    todos = []
    for i in range(5):
        manual_clock.advance(seconds=1)
        todos.append(await create(client, alice, f"t{i}", completed=i % 2 == 0))

    done = await client.get("/todos/", params={"completed": "true"}, headers=alice)
    open_ = await client.get("/todos/", params={"completed": "false"}, headers=alice)

    assert [t["task"] for t in done.json()] == ["t0", "t2", "t4"]
    assert done.headers["X-Total-Count"] == "3"
    assert [t["task"] for t in open_.json()] == ["t1", "t3"]
    assert open_.headers["X-Total-Count"] == "2"
    page = await client.get("/todos/", params={"completed": "true", "limit": 1}, headers=alice)
    assert page.headers["X-Total-Count"] == "3"
    assert httpx.URL(required_next_url(page)).params["completed"] == "true"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("created_at", ["banana", "apple", "cherry", "date"]),
        ("-created_at", ["date", "cherry", "apple", "banana"]),
        ("task", ["apple", "banana", "cherry", "date"]),
        ("-task", ["date", "cherry", "banana", "apple"]),
        ("order", ["cherry", "banana", "apple", "date"]),  # nulls last
        ("-order", ["apple", "banana", "cherry", "date"]),  # nulls last both ways
    ],
)
async def test_sort(
    client: httpx.AsyncClient,
    signed_up: SignUp,
    manual_clock: ManualClock,
    sort: str,
    expected: list[str],
) -> None:
    alice = await signed_up("alice")
    for task, order in [("banana", 5), ("apple", 10), ("cherry", -1), ("date", None)]:
        manual_clock.advance(seconds=1)
        await create(client, alice, task, order=order)

    response = await client.get("/todos/", params={"sort": sort}, headers=alice)

    assert response.status_code == 200
    assert [t["task"] for t in response.json()] == expected


@pytest.mark.parametrize("sort", ["created_at", "-created_at", "order", "-order", "task", "-task"])
async def test_following_link_walks_every_todo_once(
    client: httpx.AsyncClient, signed_up: SignUp, sort: str
) -> None:
    alice = await signed_up("alice")
    # Same time-ish, same order, same task for some: ties must still page without repeats.
    for i in range(7):
        await create(client, alice, "same" if i < 4 else f"t{i}", order=1 if i < 5 else None)
    everything = await client.get("/todos/", params={"sort": sort}, headers=alice)

    seen: list[str] = []
    url: str | None = f"http://testserver/todos/?sort={sort}&limit=3"
    pages = 0
    while url is not None:
        response = await client.get(url, headers=alice)
        assert response.status_code == 200
        assert response.headers["X-Total-Count"] == "7"
        assert len(response.json()) <= 3
        seen += [t["id"] for t in response.json()]
        url = next_url(response)
        if url is not None:
            assert url.startswith("http://testserver/todos/?")
            assert httpx.URL(url).params["sort"] == sort
        pages += 1

    assert pages == 3
    assert seen == [t["id"] for t in everything.json()]
    assert len(set(seen)) == 7


async def test_limit_and_offset(
    client: httpx.AsyncClient, signed_up: SignUp, manual_clock: ManualClock
) -> None:
    alice = await signed_up("alice")
    for i in range(5):
        manual_clock.advance(seconds=1)
        await create(client, alice, f"t{i}")

    middle = await client.get("/todos/", params={"limit": 2, "offset": 2}, headers=alice)
    last = await client.get("/todos/", params={"limit": 2, "offset": 4}, headers=alice)
    exact = await client.get("/todos/", params={"limit": 2, "offset": 3}, headers=alice)
    past = await client.get("/todos/", params={"limit": 2, "offset": 10}, headers=alice)

    assert [t["task"] for t in middle.json()] == ["t2", "t3"]
    params = httpx.URL(required_next_url(middle)).params
    assert (params["limit"], params["offset"]) == ("2", "4")
    assert [t["task"] for t in last.json()] == ["t4"]
    assert "Link" not in last.headers
    assert [t["task"] for t in exact.json()] == ["t3", "t4"]
    assert "Link" not in exact.headers  # exactly at the end: no next page
    assert past.json() == []
    assert past.headers["X-Total-Count"] == "5"
    assert "Link" not in past.headers
