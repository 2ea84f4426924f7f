"""Idempotency-Key on POST /orders (IETF httpapi draft): a retry gets the first answer
(201, the same body, Idempotent-Replayed: true); another body with the key is a 422; a
retry while the first request runs is a 409. Keys are per user."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from dependency_injector import providers

from application.shop.use_cases.ordering import PlaceOrder
from entrypoints.container import Container
from tests.http.conftest import SignUp, assert_problem
from tests.http.shop_helpers import JSON, add_product, product
from tests.unit.shop.shop_helpers import PausingUnitOfWork


def order_body(product_id: str, quantity: int = 1) -> dict[str, Any]:
    return {"lines": [{"product_id": product_id, "quantity": quantity}]}


async def order_count(client: httpx.AsyncClient, admin: dict[str, str]) -> str:
    return (await client.get("/orders", headers=admin)).headers["X-Total-Count"]


async def test_a_retry_answers_the_first_response_and_places_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    keyed = {**alice, "Idempotency-Key": "order-7f3a"}
    first = await client.post("/orders", json=order_body(mug["id"], 2), headers=keyed)
    await client.post(f"{first.headers['Location']}/pay", headers=admin_headers)

    # The same body, spelled differently: other key order, spaces, 2.0 for 2.
    content = b'{ "lines": [ {"quantity": 2.0, "product_id": "' + mug["id"].encode() + b'"} ] }'
    again = await client.post("/orders", content=content, headers={**keyed, **JSON})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Location"] == first.headers["Location"]
    assert again.json() == first.json()  # the first answer, though the order is paid since
    assert await order_count(client, admin_headers) == "1"
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 3


async def test_the_key_with_another_body_is_a_422_that_places_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    keyed = {**alice, "Idempotency-Key": "k-1"}
    await client.post("/orders", json=order_body(mug["id"], 1), headers=keyed)

    response = await client.post("/orders", json=order_body(mug["id"], 2), headers=keyed)

    assert_problem(response, 422, "idempotency_key_reused")
    assert await order_count(client, admin_headers) == "1"
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 4


async def test_keys_are_per_user(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice, bob = await signed_up("alice"), await signed_up("bob")
    mug = await add_product(client, admin_headers, on_hand=5)
    body = order_body(mug["id"])
    first = await client.post("/orders", json=body, headers={**alice, "Idempotency-Key": "k"})
    other = await client.post("/orders", json=body, headers={**bob, "Idempotency-Key": "k"})

    assert (first.status_code, other.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in other.headers
    assert other.json()["id"] != first.json()["id"]


async def test_a_key_that_breaks_the_pattern_is_a_422_that_places_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    for key in ("has space", "x" * 256, "", "caf\xe9"):
        auth = [(name.encode(), value.encode()) for name, value in alice.items()]
        headers = [*auth, (b"Idempotency-Key", key.encode("latin-1"))]
        response = await client.post("/orders", json=order_body(mug["id"]), headers=headers)
        assert_problem(response, 422, "invalid_idempotency_key")
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 5


async def test_a_failed_request_frees_its_key(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=1)
    keyed = {**alice, "Idempotency-Key": "k"}
    short = await client.post("/orders", json=order_body(mug["id"], 2), headers=keyed)
    assert_problem(short, 409, "insufficient_stock")

    await client.post(f"/products/{mug['id']}/stock", json={"delta": 1}, headers=admin_headers)
    retried = await client.post("/orders", json=order_body(mug["id"], 2), headers=keyed)
    assert (retried.status_code, retried.headers.get("Idempotent-Replayed")) == (201, None)


async def test_a_retry_while_the_first_request_runs_is_a_409(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    keyed = {**alice, "Idempotency-Key": "k"}
    # The first request claims the key, then stops before its order's transaction.
    paused = PausingUnitOfWork(container.memory_store(), pause_before=2)
    place = providers.Factory(PlaceOrder, paused, container.clock, container.shop.currency)
    with container.shop.place_order.override(place):
        first = asyncio.create_task(
            client.post("/orders", json=order_body(mug["id"]), headers=keyed)
        )
        await paused.reached.wait()

    retry = await client.post("/orders", json=order_body(mug["id"]), headers=keyed)

    assert_problem(retry, 409, "idempotency_key_in_progress")
    paused.resume.set()
    placed = await first
    assert placed.status_code == 201
    replay = await client.post("/orders", json=order_body(mug["id"]), headers=keyed)
    assert (replay.headers["Idempotent-Replayed"], replay.json()) == ("true", placed.json())
    assert await order_count(client, admin_headers) == "1"


async def test_the_document_states_the_header_and_the_replay(client: httpx.AsyncClient) -> None:
    operation = (await client.get("/openapi.json")).json()["paths"]["/orders"]["post"]
    (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
    assert (header["name"], header["required"]) == ("Idempotency-Key", False)
    assert header["schema"]["pattern"] == r"^[\x21-\x7e]{1,255}$"
    assert "Idempotent-Replayed" in operation["responses"]["201"]["headers"]
    assert {"201", "401", "409", "422"} <= operation["responses"].keys()
