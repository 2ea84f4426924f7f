"""GET /products: a public, paged array with q, active and sort, like GET /todos/."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from entrypoints.container import Container
from tests.http.conftest import assert_problem
from tests.http.shop_helpers import add_product
from tests.support.clock import ManualClock

NEXT_LINK = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


@pytest.fixture
def manual_clock(container: Container) -> ManualClock:
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(clock)
    return clock


@pytest.fixture
async def catalogue(
    client: httpx.AsyncClient, admin_headers: dict[str, str], manual_clock: ManualClock
) -> list[dict[str, Any]]:
    """Four products made a second apart; the last one deactivated."""
    made = []
    for name, price in (("Teapot", "30.00"), ("mug", "9.50"), ("Milk jug", "12.00")):
        made.append(await add_product(client, admin_headers, name=name, price=price))
        manual_clock.advance(seconds=1)
    gone = await add_product(client, admin_headers, name="Old mug", price="1.00")
    assert (
        await client.delete(f"/products/{gone['id']}", headers=admin_headers)
    ).status_code == 204
    return made


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [p["name"] for p in response.json()]


async def test_anyone_lists_the_active_products_oldest_first(
    client: httpx.AsyncClient, catalogue: list[dict[str, Any]]
) -> None:
    response = await client.get("/products")

    assert names(response) == ["Teapot", "mug", "Milk jug"]
    assert response.headers["X-Total-Count"] == "3"
    assert "Link" not in response.headers


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Milk jug", "Teapot", "mug"]),  # code point order
        ("-name", ["mug", "Teapot", "Milk jug"]),
        ("price", ["mug", "Milk jug", "Teapot"]),
        ("-price", ["Teapot", "Milk jug", "mug"]),
        ("-created_at", ["Milk jug", "mug", "Teapot"]),
    ],
)
async def test_sorting(
    client: httpx.AsyncClient, catalogue: list[dict[str, Any]], sort: str, expected: list[str]
) -> None:
    assert names(await client.get("/products", params={"sort": sort})) == expected


async def test_a_name_search_ignores_case_and_hides_inactive_products(
    client: httpx.AsyncClient, admin_headers: dict[str, str], catalogue: list[dict[str, Any]]
) -> None:
    assert names(await client.get("/products", params={"q": " MUG "})) == ["mug"]
    as_admin = await client.get("/products", params={"q": "mug"}, headers=admin_headers)
    assert names(as_admin) == ["mug", "Old mug"]
    assert names(await client.get("/products", params={"q": "   "})) == names(
        await client.get("/products")
    )


async def test_pages_carry_the_total_and_a_link_to_the_next(
    client: httpx.AsyncClient, catalogue: list[dict[str, Any]]
) -> None:
    first = await client.get("/products", params={"limit": 2, "sort": "price"})

    assert names(first) == ["mug", "Milk jug"]
    assert first.headers["X-Total-Count"] == "3"
    match = NEXT_LINK.match(first.headers["Link"])
    assert match, first.headers["Link"]
    assert match["url"].startswith("http://testserver/products?")
    second = await client.get(match["url"])
    assert names(second) == ["Teapot"]
    assert "Link" not in second.headers


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "201"},
        {"offset": "-1"},
        {"sort": "stock"},
        {"active": "maybe"},
        {"q": "mug\x01"},
        {"q": "x" * 201},
        {"bogus": "1"},
    ],
)
async def test_bad_queries_are_422(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    assert_problem(await client.get("/products", params=params), 422)


async def test_a_product_id_no_product_can_have_is_422(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/products/" + "x" * 65), 422, "invalid_id")
    assert_problem(await client.get("/products/unknown"), 404, "product_not_found")
