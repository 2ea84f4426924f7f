"""One fingerprint rule for an Idempotency-Key, in the application layer: the same key and
the same lines are the same request whichever edge sends them (here the HTTP route and a
direct call of the use case, as a CLI or a WebSocket edge would make)."""

from __future__ import annotations

import httpx

from application.shared.actor import Actor
from application.shop.dto import PlaceOrderCommand
from domain.shared.roles import Role
from entrypoints.container import Container
from tests.http.conftest import SignUp, assert_problem
from tests.http.shop_helpers import add_product


async def alice(client: httpx.AsyncClient, signed_up: SignUp) -> tuple[dict[str, str], Actor]:
    headers = await signed_up("alice")
    me = await client.get("/users/me", headers=headers)
    return headers, Actor(me.json()["id"], Role.USER, "a-session")


async def test_a_retry_over_http_replays_an_order_placed_by_another_edge(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    mug = await add_product(client, admin_headers, on_hand=10)
    headers, actor = await alice(client, signed_up)
    command = PlaceOrderCommand(actor, ((mug["id"], 2),), idempotency_key="key-1")
    placed = await container.shop().place_order().execute(command)

    retried = await client.post(
        "/orders",
        json={"lines": [{"quantity": 2, "product_id": mug["id"]}]},
        headers=headers | {"Idempotency-Key": "key-1"},
    )

    assert retried.status_code == 201, retried.text
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["id"] == placed.id
    stock = (await client.get(f"/products/{mug['id']}")).json()["stock"]
    assert stock == 8  # one order, not two


async def test_a_direct_retry_replays_an_order_placed_over_http(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    mug = await add_product(client, admin_headers, on_hand=10)
    headers, actor = await alice(client, signed_up)
    placed = await client.post(
        "/orders",
        json={"lines": [{"product_id": mug["id"], "quantity": 3}]},
        headers=headers | {"Idempotency-Key": "key-2"},
    )
    assert placed.status_code == 201, placed.text

    command = PlaceOrderCommand(actor, ((mug["id"], 3),), idempotency_key="key-2")
    retried = await container.shop().place_order().execute(command)

    assert retried.replayed
    assert retried.id == placed.json()["id"]


async def test_other_lines_with_the_key_are_refused_whichever_edge_sent_the_first(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    mug = await add_product(client, admin_headers, on_hand=10)
    headers, actor = await alice(client, signed_up)
    command = PlaceOrderCommand(actor, ((mug["id"], 2),), idempotency_key="key-3")
    await container.shop().place_order().execute(command)

    other = await client.post(
        "/orders",
        json={"lines": [{"product_id": mug["id"], "quantity": 1}]},
        headers=headers | {"Idempotency-Key": "key-3"},
    )

    assert_problem(other, 422, "idempotency_key_reused")
