"""PATCH /products/{id} and POST /products/{id}/stock: partial updates and restocks; every
bad input is a 4xx that changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.shop.product_fields import STOCK_MAX
from tests.http.conftest import assert_problem
from tests.http.shop_helpers import JSON, add_product, product


async def test_patch_changes_only_the_given_fields(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    mug = await add_product(client, admin_headers, description="Blue", on_hand=4)

    response = await client.patch(
        f"/products/{mug['id']}", json={"price": 12.5, "name": "Big mug"}, headers=admin_headers
    )

    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["price"], changed["name"]) == ("12.50", "Big mug")
    unchanged = {k: v for k, v in changed.items() if k not in {"price", "name", "updated_at"}}
    assert unchanged == {k: v for k, v in mug.items() if k in unchanged}
    assert await product(client, admin_headers, mug["id"]) == changed


@pytest.mark.parametrize(
    "body",
    [
        {"price": None},
        {"name": None},
        {"on_hand": None},
        {"active": None},
        {"on_hand": -1},
        {"on_hand": 1.5},
        {"on_hand": "5"},
        {"active": "yes"},
        {"sku": "has space"},
        {"name": "   "},
        {"description": "bell\x07"},
        {"colour": "red"},
    ],
)
async def test_a_bad_patch_is_a_422_that_changes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    mug = await add_product(client, admin_headers)
    assert_problem(
        await client.patch(f"/products/{mug['id']}", json=body, headers=admin_headers), 422
    )
    assert await product(client, admin_headers, mug["id"]) == mug


async def test_a_taken_sku_is_a_409(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    first = await add_product(client, admin_headers, sku="MUG-1")
    second = await add_product(client, admin_headers, sku="MUG-2")

    problem = assert_problem(
        await client.patch(
            f"/products/{second['id']}", json={"sku": "mug-1"}, headers=admin_headers
        ),
        409,
        "sku_taken",
    )
    assert problem["sku"] == "MUG-1"
    again = {"sku": "Mug-1", "name": "Mug", "price": "1.00"}
    assert_problem(await client.post("/products", json=again, headers=admin_headers), 409)
    assert await product(client, admin_headers, second["id"]) == second
    assert (await client.get("/products")).headers["X-Total-Count"] == "2"
    assert first["sku"] == "MUG-1"


async def test_stock_moves_by_a_delta(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    mug = await add_product(client, admin_headers, on_hand=4)
    url = f"/products/{mug['id']}/stock"

    assert (await client.post(url, json={"delta": 6}, headers=admin_headers)).json()["stock"] == 10
    assert (await client.post(url, json={"delta": -3}, headers=admin_headers)).json()["stock"] == 7
    problem = assert_problem(
        await client.post(url, json={"delta": -8}, headers=admin_headers),
        409,
        "stock_would_be_negative",
    )
    assert (problem["available"], problem["delta"]) == (7, -8)
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 7


async def test_restocking_past_the_maximum_is_a_409_like_going_below_zero(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    mug = await add_product(client, admin_headers, on_hand=STOCK_MAX - 1)
    url = f"/products/{mug['id']}/stock"

    problem = assert_problem(
        await client.post(url, json={"delta": 2}, headers=admin_headers),
        409,
        "stock_would_exceed_maximum",
    )

    assert (problem["on_hand"], problem["delta"], problem["maximum"]) == (
        STOCK_MAX - 1,
        2,
        STOCK_MAX,
    )
    assert (await client.post(url, json={"delta": 1}, headers=admin_headers)).status_code == 200
    assert (await product(client, admin_headers, mug["id"]))["on_hand"] == STOCK_MAX


@pytest.mark.parametrize(
    "content",
    [b'{"delta": 1.5}', b'{"delta": "5"}', b'{"delta": true}', b"{}", b'{"delta": 1000000001}'],
)
async def test_a_bad_delta_is_a_422_that_changes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], content: bytes
) -> None:
    mug = await add_product(client, admin_headers, on_hand=4)
    url = f"/products/{mug['id']}/stock"
    assert_problem(await client.post(url, content=content, headers={**admin_headers, **JSON}), 422)
    assert (await product(client, admin_headers, mug["id"]))["stock"] == 4


async def test_a_whole_json_number_is_an_integer(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    mug = await add_product(client, admin_headers, on_hand=4)
    url = f"/products/{mug['id']}/stock"
    response = await client.post(url, content=b'{"delta": 2.0}', headers={**admin_headers, **JSON})
    assert response.json()["stock"] == 6


async def test_body_edges(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    mug = await add_product(client, admin_headers)
    url = f"/products/{mug['id']}"
    headers = {**admin_headers, **JSON}
    assert_problem(await client.patch(url, content=b'{"on_hand": ', headers=headers), 400)
    plain = {**admin_headers, "Content-Type": "text/plain"}
    assert_problem(await client.patch(url, content=b'{"on_hand": 1}', headers=plain), 415)
    big = b'{"description": "' + b"x" * (1024 * 1024) + b'"}'
    assert_problem(await client.patch(url, content=big, headers=headers), 413)
    assert_problem(await client.patch("/products/nope", json={}, headers=admin_headers), 404)
    assert_problem(await client.delete("/products/nope", headers=admin_headers), 404)
    assert await product(client, admin_headers, mug["id"]) == mug
