"""Orders over HTTP: placing (all lines or none), reading (another user's is a 404), and
moving through the lifecycle. The rules are unit-tested in tests/unit/shop."""

from __future__ import annotations

import codecs
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.http.conftest import SignUp, assert_problem, assert_unauthorized
from tests.http.shop_helpers import add_product, product


async def place(
    client: httpx.AsyncClient, headers: dict[str, Any], *lines: tuple[str, int]
) -> dict[str, Any]:
    body = {"lines": [{"product_id": p, "quantity": q} for p, q in lines]}
    response = await client.post("/orders", json=body, headers=headers)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def stock(
    client: httpx.AsyncClient, admin: dict[str, Any], *products: dict[str, Any]
) -> list[int]:
    return [(await product(client, admin, p["id"]))["stock"] for p in products]


async def test_placing_an_order(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, name="Mug", price="19.99", on_hand=5)
    tea = await add_product(client, admin_headers, name="Tea", price=3.5, on_hand=5)
    body = {
        "lines": [
            {"product_id": mug["id"], "quantity": 2},
            {"product_id": tea["id"], "quantity": 1},
        ]
    }

    response = await client.post("/orders", json=body, headers=alice)

    assert response.status_code == 201, response.text
    order = response.json()
    assert response.headers["Location"] == f"http://testserver/orders/{order['id']}"
    assert "Idempotent-Replayed" not in response.headers
    assert set(order) == {
        *("id", "user_id", "status", "lines", "total", "currency"),
        *("created_at", "expires_at", "updated_at", "history"),
    }
    created = datetime.fromisoformat(order["created_at"])
    assert datetime.fromisoformat(order["expires_at"]) == created + timedelta(minutes=30)
    assert order["lines"] == [
        {"product_id": mug["id"], "sku": mug["sku"], "name": "Mug", "unit_price": "19.99",
         "quantity": 2, "line_total": "39.98"},
        {"product_id": tea["id"], "sku": tea["sku"], "name": "Tea", "unit_price": "3.50",
         "quantity": 1, "line_total": "3.50"},
    ]  # fmt: skip
    assert (order["status"], order["total"], order["currency"]) == (
        "pending_payment",
        "43.48",
        "USD",
    )
    assert order["history"] == [{"status": "pending_payment", "at": order["created_at"]}]
    assert await stock(client, admin_headers, mug, tea) == [3, 4]
    assert (await client.get(response.headers["Location"], headers=alice)).json() == order


async def test_short_stock_is_a_409_listing_every_short_line_and_reserving_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug, tea, jug = [await add_product(client, admin_headers, on_hand=2) for _ in range(3)]
    lines = [(mug["id"], 3), (tea["id"], 1), (jug["id"], 5)]
    body = {"lines": [{"product_id": p, "quantity": q} for p, q in lines]}

    problem = assert_problem(await client.post("/orders", json=body, headers=alice), 409)

    assert problem["code"] == "insufficient_stock"
    assert problem["lines"] == [
        {"product_id": mug["id"], "requested": 3, "available": 2},
        {"product_id": jug["id"], "requested": 5, "available": 2},
    ]
    assert await stock(client, admin_headers, mug, tea, jug) == [2, 2, 2]


@pytest.mark.parametrize(
    ("lines", "code", "line"),
    [
        ([("unknown", 1)], "unknown_product", 0),
        ([("MUG", 1), ("inactive", 1)], "inactive_product", 1),
        ([("MUG", 1), ("MUG", 2)], "duplicate_order_line", 1),
        ([("MUG", 0)], "invalid_quantity", 0),
        ([("MUG", 1001)], "invalid_quantity", 0),
        ([("MUG", 1), ("x" * 65, 1)], "invalid_order_line", 1),
    ],
)
async def test_a_bad_line_is_a_422_naming_it_and_reserving_nothing(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    signed_up: SignUp,
    lines: list[tuple[str, int]],
    code: str,
    line: int,
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    gone = await add_product(client, admin_headers, on_hand=5)
    await client.delete(f"/products/{gone['id']}", headers=admin_headers)
    ids = {"MUG": mug["id"], "inactive": gone["id"]}
    body = {"lines": [{"product_id": ids.get(p, p), "quantity": q} for p, q in lines]}

    problem = assert_problem(await client.post("/orders", json=body, headers=alice), 422, code)

    assert problem["line"] == line
    bad_id = body["lines"][line]["product_id"]
    assert problem["product_id"] == (None if len(bad_id) > 64 else bad_id)
    assert await stock(client, admin_headers, mug, gone) == [5, 5]
    assert (await client.get("/orders", headers=alice)).json() == []


@pytest.mark.parametrize(
    "content",
    [
        b'{"lines": []}',
        b'{"lines": [' + b",".join([b'{"product_id": "p", "quantity": 1}'] * 51) + b"]}",
        b'{"lines": [{"product_id": "p", "quantity": 1.5}]}',
        b'{"lines": [{"product_id": "p", "quantity": "1"}]}',
        b'{"lines": [{"product_id": "p"}]}',
        b'{"lines": [{"product_id": "p", "quantity": 1, "price": "0.01"}]}',
        b"{}",
    ],
)
async def test_a_malformed_order_is_a_422(
    client: httpx.AsyncClient, signed_up: SignUp, content: bytes
) -> None:
    alice = await signed_up("alice")
    headers = {**alice, "Content-Type": "application/json"}
    assert_problem(await client.post("/orders", content=content, headers=headers), 422)


async def test_order_body_edges(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    json_headers = {**alice, "Content-Type": "application/json"}
    line = b'{"lines": [{"product_id": "' + mug["id"].encode() + b'", "quantity": 1}]}'

    assert_problem(await client.post("/orders", content=line[:-2], headers=json_headers), 400)
    text = {**alice, "Content-Type": "text/plain"}
    assert_problem(await client.post("/orders", content=line, headers=text), 415)
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 5
    bom = await client.post("/orders", content=codecs.BOM_UTF8 + line, headers=json_headers)
    assert bom.status_code == 201, bom.text


async def test_orders_need_a_caller(client: httpx.AsyncClient) -> None:
    body = {"lines": [{"product_id": "p", "quantity": 1}]}
    assert_unauthorized(await client.post("/orders", json=body))
    assert_unauthorized(await client.get("/orders"))
    assert_unauthorized(await client.get("/orders/x"))
    for action in ("pay", "ship", "deliver", "cancel"):
        assert_unauthorized(await client.post(f"/orders/x/{action}"))


async def test_a_user_reads_their_own_orders_and_an_admin_everyones(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice, bob = await signed_up("alice"), await signed_up("bob")
    mug = await add_product(client, admin_headers, on_hand=10)
    first = await place(client, alice, (mug["id"], 1))
    second = await place(client, alice, (mug["id"], 2))
    bobs = await place(client, bob, (mug["id"], 1))

    mine = await client.get("/orders", headers=alice)
    assert [o["id"] for o in mine.json()] == [second["id"], first["id"]]  # newest first
    assert mine.headers["X-Total-Count"] == "2"
    assert_problem(await client.get(f"/orders/{bobs['id']}", headers=alice), 404, "order_not_found")
    other = {"user_id": bobs["user_id"]}
    assert_problem(await client.get("/orders", params=other, headers=alice), 403)

    everyone = await client.get("/orders", params={"limit": 2}, headers=admin_headers)
    assert everyone.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in everyone.headers["Link"]
    just_bob = await client.get("/orders", params=other, headers=admin_headers)
    assert [o["id"] for o in just_bob.json()] == [bobs["id"]]
    assert (await client.get(f"/orders/{bobs['id']}", headers=admin_headers)).json() == bobs
    for params in ({"status": "lost"}, {"limit": "0"}, {"user_id": "x" * 65}):
        assert_problem(await client.get("/orders", params=params, headers=admin_headers), 422)


async def test_the_lifecycle_over_http(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    order = await place(client, alice, (mug["id"], 2))
    url = f"/orders/{order['id']}"

    assert_problem(await client.post(f"{url}/pay", headers=alice), 403, "forbidden")
    problem = assert_problem(await client.post(f"{url}/ship", headers=admin_headers), 409)
    assert problem["code"] == "invalid_transition"
    assert (problem["order_status"], problem["target"]) == ("pending_payment", "shipped")
    for action, status in (("pay", "paid"), ("ship", "shipped"), ("deliver", "delivered")):
        response = await client.post(f"{url}/{action}", headers=admin_headers)
        assert (response.status_code, response.json()["status"]) == (200, status)
    history = (await client.get(url, headers=alice)).json()["history"]
    assert [h["status"] for h in history] == ["pending_payment", "paid", "shipped", "delivered"]
    assert_problem(await client.post(f"{url}/cancel", headers=alice), 409, "invalid_transition")
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 3


async def test_the_buyer_cancels_once_and_the_stock_comes_back_once(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice, bob = await signed_up("alice"), await signed_up("bob")
    mug = await add_product(client, admin_headers, on_hand=5)
    order = await place(client, alice, (mug["id"], 2))
    url = f"/orders/{order['id']}/cancel"

    assert_problem(await client.post(url, headers=bob), 404, "order_not_found")
    cancelled = await client.post(url, headers=alice)
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert_problem(await client.post(url, headers=alice), 409, "invalid_transition")
    assert_problem(await client.post(url, headers=admin_headers), 409)
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 5


async def test_an_admin_cancels_a_paid_order(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    order = await place(client, alice, (mug["id"], 4))
    await client.post(f"/orders/{order['id']}/pay", headers=admin_headers)

    response = await client.post(f"/orders/{order['id']}/cancel", headers=admin_headers)

    assert [h["status"] for h in response.json()["history"]] == [
        "pending_payment",
        "paid",
        "cancelled",
    ]
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 5


async def test_an_order_id_no_order_can_have_is_422(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    assert_problem(await client.get("/orders/" + "x" * 65, headers=alice), 422, "invalid_id")
    assert_problem(await client.post("/orders/nope/cancel", headers=alice), 404)
