"""The catalogue over HTTP: public reads (admins see more), admin writes, money in JSON.
The rules themselves are unit-tested in tests/unit/shop; this is the edge."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.accounts.dto import RegisterCommand
from domain.shared.errors import DomainError
from domain.shared.roles import Role
from domain.shop.money import Currency
from domain.shop.product_fields import parse_price
from entrypoints.container import close_resources
from entrypoints.http.app import create_app
from entrypoints.http.shop.money import by_value, price_schema
from tests.http.conftest import (
    PASSWORD,
    SignUp,
    assert_problem,
    assert_unauthorized,
    bearer,
    login,
    make_container,
)
from tests.http.shop_helpers import JSON, add_product, product

# --- creating, and money ------------------------------------------------------------------


async def test_an_admin_creates_a_product(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = {"sku": "mug-1", "name": "  Mug ", "price": "19.99", "on_hand": 3}
    response = await client.post("/products", json=body, headers=admin_headers)

    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == {
        *("id", "sku", "name", "description", "price", "currency", "active"),
        *("stock", "on_hand", "reserved", "created_at", "updated_at"),
    }
    assert (created["sku"], created["name"], created["price"], created["currency"]) == (
        "MUG-1",
        "Mug",
        "19.99",
        "USD",
    )
    assert (created["stock"], created["on_hand"], created["reserved"]) == (3, 3, 0)
    assert (created["active"], created["description"]) == (True, "")
    assert response.headers["Location"] == f"http://testserver/products/{created['id']}"
    assert response.headers["ETag"] == '"1"'
    read = await client.get(response.headers["Location"])
    assert (read.json(), read.headers["ETag"]) == (created, '"1"')


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (b'"19.99"', "19.99"),
        (b"19.99", "19.99"),  # a JSON number arrives as its exact text, not a float
        (b"19.990", "19.99"),  # a number counts by value, as JSON Schema's multipleOf does
        (b"1e2", "100.00"),
        (b"5", "5.00"),
        (b'"0"', "0.00"),
        (b"9999999999.99", "9999999999.99"),
    ],
)
async def test_a_price_is_a_decimal_string_or_an_exact_json_number(
    client: httpx.AsyncClient, admin_headers: dict[str, str], raw: bytes, stored: str
) -> None:
    content = b'{"sku": "P", "name": "Mug", "price": ' + raw + b"}"
    response = await client.post("/products", content=content, headers={**admin_headers, **JSON})
    assert response.status_code == 201, response.text
    assert response.json()["price"] == stored


@pytest.mark.parametrize(
    "raw",
    [
        b"19.999",
        b'"19.999"',
        b'"19.990"',  # a string counts its written decimals (the published pattern)
        b'"1e2"',
        b'"-1.00"',
        b"-1",
        b'"1,00"',
        b'" 1.00"',
        b"10000000000",
        b"19.990000000000000001",  # a float would have made this 19.99
        b"true",
        b"null",
        b"[1]",
    ],
)
async def test_a_bad_price_is_a_422_that_creates_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], raw: bytes
) -> None:
    content = b'{"sku": "P", "name": "Mug", "price": ' + raw + b"}"
    response = await client.post("/products", content=content, headers={**admin_headers, **JSON})
    assert_problem(response, 422)
    assert (await client.get("/products")).headers["X-Total-Count"] == "0"


async def test_nan_is_not_json(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    content = b'{"sku": "P", "name": "Mug", "price": NaN}'
    response = await client.post("/products", content=content, headers={**admin_headers, **JSON})
    assert_problem(response, 400, "malformed_json")


@pytest.fixture
async def jpy_client(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[httpx.AsyncClient]:
    container = make_container(tmp_path, sqlite_template, "memory", currency="JPY")
    await (
        container.accounts()
        .register_user()
        .execute(RegisterCommand("root", PASSWORD, role=Role.ADMIN))
    )
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        client.headers.update(bearer(await login(client, "root")))
        yield client
    await close_resources(container)


async def test_a_yen_shop_has_no_decimals(jpy_client: httpx.AsyncClient) -> None:
    created = await jpy_client.post("/products", json={"sku": "A", "name": "Tea", "price": 1500})
    assert (created.json()["price"], created.json()["currency"]) == ("1500", "JPY")
    assert (await jpy_client.patch(created.headers["Location"], json={"price": "980"})).json()[
        "price"
    ] == "980"
    exact = b'{"sku": "C", "name": "Tea", "price": 1500.000}'  # a number counts by value
    assert (await jpy_client.post("/products", content=exact, headers=JSON)).json()[
        "price"
    ] == "1500"
    for bad in ("1500.5", "1500.0", 1500.5):
        response = await jpy_client.post("/products", json={"sku": "B", "name": "T", "price": bad})
        assert_problem(response, 422, "invalid_price")

    document = (await jpy_client.get("/openapi.json")).json()
    price = document["components"]["schemas"]["ProductCreate"]["properties"]["price"]
    assert price["anyOf"][0]["pattern"] == "^0*[0-9]{1,12}$"
    assert price["anyOf"][1]["multipleOf"] == 1


async def test_the_document_states_the_price_rule_of_the_shop_currency(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    price = document["components"]["schemas"]["ProductCreate"]["properties"]["price"]
    text, number = price["anyOf"]
    assert text == {"type": "string", "pattern": r"^0*[0-9]{1,10}(\.[0-9]{1,2})?$", "maxLength": 40}
    assert number == {"type": "number", "minimum": 0, "maximum": 9999999999.99, "multipleOf": 0.01}
    out = document["components"]["schemas"]["ProductOut"]["properties"]["price"]
    assert out["pattern"] == r"^[0-9]+\.[0-9]{2}$"


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="0123456789.-e ", max_size=45),
    code=st.sampled_from(["USD", "JPY", "KWD"]),
)
def test_the_published_price_schema_is_the_rule_parse_price_enforces(text: str, code: str) -> None:
    currency = Currency.of(code)
    as_text, as_number = price_schema(currency)["anyOf"]
    published = re.fullmatch(as_text["pattern"], text) is not None
    published = published and len(text) <= as_text["maxLength"]
    assert published == accepts(text, currency), text
    if re.fullmatch(r"-?[0-9]{1,14}(\.[0-9]{1,5})?(e-?[0-9])?", text):
        value = Fraction(Decimal(text))
        step, top = (Fraction(Decimal(repr(as_number[k]))) for k in ("multipleOf", "maximum"))
        published = 0 <= value <= top and (value / step).denominator == 1
        assert published == accepts(by_value(Decimal(text)), currency), text


def accepts(price: str | Decimal, currency: Currency) -> bool:
    try:
        parse_price(price, currency)
    except DomainError:
        return False
    return True


# --- who may do what -----------------------------------------------------------------------


async def test_only_admins_write_the_catalogue(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=4)
    url = f"/products/{mug['id']}"
    body = {"sku": "X", "name": "X", "price": "1.00"}

    assert_unauthorized(await client.post("/products", json=body))
    assert_problem(await client.post("/products", json=body, headers=alice), 403, "forbidden")
    assert_problem(await client.patch(url, json={"on_hand": 0}, headers=alice), 403)
    assert_problem(await client.post(f"{url}/stock", json={"delta": 5}, headers=alice), 403)
    assert_problem(await client.delete(url, headers=alice), 403)

    assert await product(client, admin_headers, mug["id"]) == mug  # nothing changed
    assert (await client.get("/products")).headers["X-Total-Count"] == "1"


async def test_a_deactivated_product_is_seen_by_admins_only(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers)
    url = f"/products/{mug['id']}"

    deleted = await client.delete(url, headers=admin_headers)

    assert (deleted.status_code, deleted.content, deleted.headers.get("content-type")) == (
        204,
        b"",
        None,
    )
    for anyone in ({}, alice):
        assert_problem(await client.get(url, headers=anyone), 404, "product_not_found")
        listed = await client.get("/products", params={"active": "false"}, headers=anyone)
        assert (listed.json(), listed.headers["X-Total-Count"]) == ([], "0")
    assert (await product(client, admin_headers, mug["id"]))["active"] is False
    listed = await client.get("/products", params={"active": "false"}, headers=admin_headers)
    assert [p["id"] for p in listed.json()] == [mug["id"]]


async def test_a_public_route_refuses_a_bad_token(client: httpx.AsyncClient) -> None:
    for headers in ({"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        assert_unauthorized(await client.get("/products", headers=headers))
        assert_unauthorized(await client.get("/products/x", headers=headers))
    # The token is checked before the query, as on protected routes.
    bad = await client.get("/products?limit=oops", headers={"Authorization": "Bearer x"})
    assert_unauthorized(bad)
