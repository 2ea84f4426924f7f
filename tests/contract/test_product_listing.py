"""ProductRepository contract, listing: one ordering (code point names, exact prices,
ties by creation time then id), one case-folded search and one paging on every adapter."""

from __future__ import annotations

import pytest

from application.shop.ports import ProductQuery, ProductSortField
from tests.contract.builders import add_products, at, new_product
from tests.support.storage import Uows


async def _sample(uows: Uows) -> None:
    """Ties on every sort key, mixed case and non-ASCII names, an inactive product.

    Inserted out of id order, so a tie broken by insertion order would show.
    """
    await add_products(
        uows,
        new_product("p5", "banana", "2.00", created_at=at(3)),
        new_product("p2", "Zebra", "1.00", created_at=at(1)),
        new_product("p6", "Äpfel", "3.00", created_at=at(0)),
        new_product("p1", "banana", "1.00", created_at=at(3)),
        new_product("p4", "Apple", "2.00", created_at=at(2), active=False),
        new_product("p3", "apple", "2.00", created_at=at(1)),
    )


# By code point ('Apple' < 'Zebra' < 'apple' < 'banana' < 'Äpfel'); ties by creation time
# (p3 before p4 at 2.00), then id (p1 before p5), in the sort's direction.
ORDERINGS = [
    (ProductSortField.CREATED_AT, False, ["p6", "p2", "p3", "p4", "p1", "p5"]),
    (ProductSortField.CREATED_AT, True, ["p5", "p1", "p4", "p3", "p2", "p6"]),
    (ProductSortField.NAME, False, ["p4", "p2", "p3", "p1", "p5", "p6"]),
    (ProductSortField.NAME, True, ["p6", "p5", "p1", "p3", "p2", "p4"]),
    (ProductSortField.PRICE, False, ["p2", "p1", "p3", "p4", "p5", "p6"]),
    (ProductSortField.PRICE, True, ["p6", "p5", "p4", "p3", "p1", "p2"]),
]


@pytest.mark.parametrize(("sort", "descending", "expected"), ORDERINGS)
async def test_list_sorts_identically_everywhere(
    uows: Uows, sort: ProductSortField, descending: bool, expected: list[str]
) -> None:
    await _sample(uows)

    async with uows.shop().read() as uow:
        query = ProductQuery(limit=50, sort=sort, descending=descending)
        page, total = await uow.products.list(query)

    assert [p.id for p in page] == expected
    assert total == 6


@pytest.mark.parametrize(
    ("q", "active", "expected"),
    [
        (None, True, ["p6", "p2", "p3", "p1", "p5"]),
        (None, False, ["p4"]),
        ("APPLE", None, ["p3", "p4"]),  # case-insensitive
        ("apple", True, ["p3"]),
        ("äPF", None, ["p6"]),  # non-ASCII letters fold too
        ("nan", None, ["p1", "p5"]),  # anywhere in the name
        ("", None, ["p6", "p2", "p3", "p4", "p1", "p5"]),
        ("kiwi", None, []),
    ],
)
async def test_list_filters_by_search_and_active(
    uows: Uows, q: str | None, active: bool | None, expected: list[str]
) -> None:
    await _sample(uows)

    async with uows.shop().read() as uow:
        page, total = await uow.products.list(ProductQuery(limit=50, q=q, active=active))

    assert [p.id for p in page] == expected
    assert total == len(expected)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("%", ["p-pct"]),
        ("_", ["p-under"]),
        ("\\", ["p-back"]),
        ("/", ["p-slash"]),
        ("STRASSE", ["p-sz"]),  # casefold, not lower: "ß" folds to "ss"
        ("ss", ["p-sz"]),
        ("a", ["p-under", "p-slash", "p-sz"]),
    ],
)
async def test_search_takes_wildcards_literally_and_folds_case(
    uows: Uows, q: str, expected: list[str]
) -> None:
    await add_products(
        uows,
        new_product("p-pct", "100% wool", created_at=at(1)),
        new_product("p-under", "a_b", created_at=at(2)),
        new_product("p-back", "C:\\temp", created_at=at(3)),
        new_product("p-slash", "ab/cd", created_at=at(4)),
        new_product("p-sz", "Große Straße", created_at=at(5)),
        new_product("p-plain", "xyz", created_at=at(6)),
    )

    async with uows.shop().read() as uow:
        page, total = await uow.products.list(ProductQuery(limit=50, q=q))

    assert [p.id for p in page] == expected
    assert total == len(expected)


@pytest.mark.parametrize(
    ("limit", "offset", "expected"),
    [(2, 0, ["p2", "p1"]), (2, 1, ["p1", "p3"]), (3, 4, ["p5", "p6"]), (5, 6, []), (5, 50, [])],
)
async def test_list_pages_with_limit_offset_and_full_total(
    uows: Uows, limit: int, offset: int, expected: list[str]
) -> None:
    await _sample(uows)

    async with uows.shop().read() as uow:
        query = ProductQuery(limit=limit, offset=offset, sort=ProductSortField.PRICE)
        page, total = await uow.products.list(query)

    assert [p.id for p in page] == expected
    assert total == 6
