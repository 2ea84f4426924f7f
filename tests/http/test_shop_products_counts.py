"""Units over HTTP: `on_hand` (the shelf, what a stock-take sets), `reserved` (held by open
orders) and the read-only `stock` = on_hand - reserved that orders take from."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.http.conftest import SignUp, assert_problem
from tests.http.shop_helpers import add_product, product


def counts(item: dict[str, Any]) -> tuple[int, int, int]:
    return item["on_hand"], item["reserved"], item["stock"]


async def order(
    client: httpx.AsyncClient, buyer: dict[str, str], product_id: str, quantity: int
) -> str:
    body = {"lines": [{"product_id": product_id, "quantity": quantity}]}
    response = await client.post("/orders", json=body, headers=buyer)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_a_stock_take_keeps_what_unpaid_orders_hold(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=10)
    await order(client, alice, mug["id"], 3)
    assert counts(await product(client, admin_headers, mug["id"])) == (10, 3, 7)

    # The shelf is counted: all 10 units are there, 3 of them waiting for their order.
    counted = await client.patch(
        f"/products/{mug['id']}", json={"on_hand": 10}, headers=admin_headers
    )

    assert counted.status_code == 200, counted.text
    assert counts(counted.json()) == (10, 3, 7)
    body = {"lines": [{"product_id": mug["id"], "quantity": 8}]}
    short = await client.post("/orders", json=body, headers=alice)
    assert assert_problem(short, 409, "insufficient_stock")["lines"][0]["available"] == 7


async def test_counting_fewer_than_orders_hold_is_a_409(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=10)
    await order(client, alice, mug["id"], 3)
    before = await product(client, admin_headers, mug["id"])

    problem = assert_problem(
        await client.patch(f"/products/{mug['id']}", json={"on_hand": 2}, headers=admin_headers),
        409,
        "on_hand_below_reserved",
    )

    assert (problem["on_hand"], problem["reserved"]) == (2, 3)
    assert await product(client, admin_headers, mug["id"]) == before


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize("stock", [5, None, "5"])
async def test_stock_is_read_only(
    client: httpx.AsyncClient, admin_headers: dict[str, str], method: str, stock: object
) -> None:
    mug = await add_product(client, admin_headers, on_hand=4)
    if method == "post":
        body = {"sku": "NEW-1", "name": "New", "price": "1.00", "stock": stock}
        response = await client.post("/products", json=body, headers=admin_headers)
    else:
        response = await client.patch(
            f"/products/{mug['id']}", json={"stock": stock}, headers=admin_headers
        )

    problem = assert_problem(response, 422, "validation_failed")
    assert problem["detail"] == (
        "body.stock: stock is read-only: it is on_hand - reserved; send on_hand (the units"
        " on the shelf)"
    )
    assert await product(client, admin_headers, mug["id"]) == mug
    assert (await client.get("/products")).headers["X-Total-Count"] == "1"


async def test_orders_move_units_between_the_counts(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=10)
    shipped = await order(client, alice, mug["id"], 2)
    cancelled = await order(client, alice, mug["id"], 3)
    assert counts(await product(client, admin_headers, mug["id"])) == (10, 5, 5)

    assert (await client.post(f"/orders/{cancelled}/cancel", headers=alice)).status_code == 200
    assert counts(await product(client, admin_headers, mug["id"])) == (10, 2, 8)
    for step in ("pay", "ship"):
        moved = await client.post(f"/orders/{shipped}/{step}", headers=admin_headers)
        assert moved.status_code == 200, moved.text
    assert counts(await product(client, admin_headers, mug["id"])) == (8, 0, 8)


async def test_a_restock_or_write_off_moves_the_shelf_but_never_held_units(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    await order(client, alice, mug["id"], 4)
    url = f"/products/{mug['id']}/stock"

    restocked = await client.post(url, json={"delta": 2}, headers=admin_headers)
    assert counts(restocked.json()) == (7, 4, 3)
    problem = assert_problem(
        await client.post(url, json={"delta": -4}, headers=admin_headers),
        409,
        "stock_would_be_negative",
    )
    assert (problem["available"], problem["reserved"]) == (3, 4)
    assert counts(await product(client, admin_headers, mug["id"])) == (7, 4, 3)
