"""The catalogue use cases: administrators write, anyone reads active products."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from application.shared.actor import Actor
from application.shop.dto import ChangeProductCommand, CreateProductCommand
from application.shop.ports import ProductSortField
from domain.shared.errors import Forbidden, InvalidId, InvalidInput
from domain.shop.errors import (
    InvalidPrice,
    InvalidSearch,
    ProductNotFound,
    SkuTaken,
    StockWouldBeNegative,
)
from tests.unit.shop.shop_helpers import ADMIN, ALICE, Shop


async def test_an_admin_creates_a_product_with_an_exact_price(shop: Shop) -> None:
    view = await shop.add_product("mug-1", "1000.00", stock=3, name=" Mug ", description="Blue")

    assert (view.sku, view.name, view.description, view.stock, view.active) == (
        "MUG-1",
        "Mug",
        "Blue",
        3,
        True,
    )
    assert (view.price, str(view.price), view.currency) == (Decimal("1000.00"), "1000.00", "USD")
    assert view.created_at == view.updated_at == shop.clock.now()
    assert shop.stored_product(view.id).price.minor_units == 100000


@pytest.mark.parametrize("price", ["1.001", "-1", 1.5, "abc"])
async def test_a_bad_price_creates_nothing(shop: Shop, price: object) -> None:
    with pytest.raises(InvalidPrice):
        await shop.add_product(price=price)  # type: ignore[arg-type]

    assert shop.table("products") == {}


async def test_a_taken_sku_is_refused_whatever_its_case(shop: Shop) -> None:
    await shop.add_product("mug-1")

    with pytest.raises(SkuTaken) as caught:
        await shop.add_product("MUG-1")

    assert caught.value.extra == {"sku": "MUG-1"}
    assert len(shop.table("products")) == 1


async def test_only_admins_write_the_catalogue(shop: Shop) -> None:
    product = await shop.add_product()
    writes = [
        shop.create(CreateProductCommand(ALICE, "NEW", "New", "1")),
        shop.change(ChangeProductCommand(ALICE, product.id, name="Hacked")),
        shop.adjust(ALICE, product.id, 100),
        shop.deactivate(ALICE, product.id),
    ]
    for write in writes:
        with pytest.raises(Forbidden):
            await write

    assert await shop.get_product(None, product.id) == product


async def test_a_non_admin_is_forbidden_even_for_a_missing_product(shop: Shop) -> None:
    with pytest.raises(Forbidden):
        await shop.adjust(ALICE, "no-such-product", 1)


async def test_change_updates_only_the_given_fields(shop: Shop) -> None:
    product = await shop.add_product("mug-1", "10.00", stock=4)
    shop.clock.advance(minutes=1)

    changed = await shop.change(
        ChangeProductCommand(ADMIN, product.id, price="12.5", on_hand=7, sku="mug-2")
    )

    assert (changed.price, changed.stock, changed.sku, changed.name) == (
        Decimal("12.50"),
        7,
        "MUG-2",
        "Mug",
    )
    assert changed.updated_at == shop.clock.now() != changed.created_at
    await shop.add_product("mug-1")  # the old SKU is free again


async def test_change_to_a_taken_sku_is_refused_and_changes_nothing(shop: Shop) -> None:
    first = await shop.add_product("mug-1")
    second = await shop.add_product("mug-2")

    with pytest.raises(SkuTaken):
        await shop.change(ChangeProductCommand(ADMIN, second.id, sku="MUG-1", name="Other"))

    assert await shop.get_product(ADMIN, second.id) == second
    assert await shop.get_product(ADMIN, first.id) == first


async def test_change_with_a_bad_price_changes_nothing(shop: Shop) -> None:
    product = await shop.add_product()

    with pytest.raises(InvalidPrice):
        await shop.change(ChangeProductCommand(ADMIN, product.id, name="New", price="1.234"))

    assert await shop.get_product(ADMIN, product.id) == product


async def test_stock_adjustments_add_up(shop: Shop) -> None:
    product = await shop.add_product(stock=5)

    await shop.adjust(ADMIN, product.id, 10)
    view = await shop.adjust(ADMIN, product.id, -3)

    assert view.stock == 12


async def test_stock_cannot_be_adjusted_below_zero(shop: Shop) -> None:
    product = await shop.add_product(stock=2)

    with pytest.raises(StockWouldBeNegative) as caught:
        await shop.adjust(ADMIN, product.id, -3)

    assert caught.value.extra["available"] == 2
    assert shop.stock(product.id) == 2


async def test_writes_to_an_unknown_product_are_not_found(shop: Shop) -> None:
    for write in [
        shop.adjust(ADMIN, "nope", 1),
        shop.deactivate(ADMIN, "nope"),
        shop.change(ChangeProductCommand(ADMIN, "nope", name="x")),
    ]:
        with pytest.raises(ProductNotFound):
            await write


async def test_a_malformed_product_id_is_bad_input(shop: Shop) -> None:
    with pytest.raises(InvalidId):
        await shop.get_product(None, "bad\x00id")


@pytest.mark.parametrize("viewer", [None, ALICE])
async def test_a_deactivated_product_is_hidden_from_all_but_admins(
    shop: Shop, viewer: Actor | None
) -> None:
    product = await shop.add_product()
    await shop.deactivate(ADMIN, product.id)

    with pytest.raises(ProductNotFound):
        await shop.get_product(viewer, product.id)
    assert (await shop.list_products(viewer)).total == 0
    assert (await shop.list_products(viewer, active=False)).items == []
    assert (await shop.get_product(ADMIN, product.id)).active is False
    assert [p.id for p in (await shop.list_products(ADMIN, active=False)).items] == [product.id]


# --- listing --------------------------------------------------------------------------------


async def catalogue(shop: Shop) -> dict[str, str]:
    """Four products created a minute apart; name -> id."""
    ids = {}
    for sku, name, price in [
        ("A", "banana", "3"),
        ("B", "Apple", "1.50"),
        ("C", "cherry", "3"),
        ("D", "Äpfel", "0.99"),
    ]:
        ids[name] = (await shop.add_product(sku, price, name=name)).id
        shop.clock.advance(minutes=1)
    return ids


async def names(shop: Shop, actor: Actor | None = None, **options: Any) -> list[str]:
    return [p.name for p in (await shop.list_products(actor, **options)).items]


async def test_products_list_in_creation_order_by_default(shop: Shop) -> None:
    await catalogue(shop)

    assert await names(shop) == ["banana", "Apple", "cherry", "Äpfel"]
    assert await names(shop, descending=True) == ["Äpfel", "cherry", "Apple", "banana"]


async def test_products_sort_by_name_by_code_point(shop: Shop) -> None:
    await catalogue(shop)

    assert await names(shop, sort=ProductSortField.NAME) == ["Apple", "banana", "cherry", "Äpfel"]


async def test_products_sort_by_price_with_ties_by_creation(shop: Shop) -> None:
    await catalogue(shop)

    assert await names(shop, sort=ProductSortField.PRICE) == ["Äpfel", "Apple", "banana", "cherry"]
    assert await names(shop, sort=ProductSortField.PRICE, descending=True) == [
        "cherry",
        "banana",
        "Apple",
        "Äpfel",
    ]


SEARCHES = [
    ("AN", ["banana"]),
    ("äp", ["Äpfel"]),
    (" p ", ["Apple", "Äpfel"]),  # trimmed, like names
    ("   ", ["banana", "Apple", "cherry", "Äpfel"]),  # blank: no search
]


@pytest.mark.parametrize(("q", "found"), SEARCHES)
async def test_q_searches_names_ignoring_case(shop: Shop, q: str, found: list[str]) -> None:
    await catalogue(shop)

    assert await names(shop, q=q) == found


@pytest.mark.parametrize("q", ["x" * 201, "nul\x00", "t\tab"])
async def test_a_bad_search_is_refused(shop: Shop, q: str) -> None:
    with pytest.raises(InvalidSearch):
        await shop.list_products(q=q)


async def test_the_active_filter_for_admins(shop: Shop) -> None:
    ids = await catalogue(shop)
    await shop.deactivate(ADMIN, ids["cherry"])

    assert await names(shop, ADMIN, active=False) == ["cherry"]
    assert await names(shop, ADMIN, active=True) == ["banana", "Apple", "Äpfel"]
    assert len(await names(shop, ADMIN)) == 4
    assert await names(shop, ALICE) == ["banana", "Apple", "Äpfel"]


async def test_listing_pages_with_a_total(shop: Shop) -> None:
    await catalogue(shop)

    page = await shop.list_products(limit=3, offset=0)
    last = await shop.list_products(limit=3, offset=3)

    assert (len(page.items), page.total, page.next_offset) == (3, 4, 3)
    assert ([p.name for p in last.items], last.total, last.next_offset) == (["Äpfel"], 4, None)


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (201, 0), (10, -1)])
async def test_a_bad_page_is_refused(shop: Shop, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInput):
        await shop.list_products(limit=limit, offset=offset)
