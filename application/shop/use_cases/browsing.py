"""Browsing the catalogue: public. Deactivated products are shown to administrators
only; to anyone else they do not exist (404, and never listed)."""

from __future__ import annotations

from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shared.paging import Page, check_page
from application.shop.dto import ListProductsQuery, ProductView
from application.shop.ports import ProductQuery, ShopUnitOfWork
from application.shop.use_cases.access import sees_inactive_products
from domain.shared.text import check_text
from domain.shop.errors import InvalidSearch, ProductNotFound
from domain.shop.product_fields import NAME_MAX


class GetProduct:
    def __init__(self, uow: ShopUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor | None, product_id: str) -> ProductView:
        check_id(product_id, "product id")
        async with self._uow.read() as uow:
            product = await uow.products.get(product_id)
        if product is None or not (product.active or sees_inactive_products(actor)):
            raise ProductNotFound.with_id(product_id)
        return ProductView.from_product(product)


class ListProducts:
    """Anyone may list; only administrators see deactivated products (for anyone else
    `active=False` matches nothing)."""

    def __init__(self, uow: ShopUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, q: ListProductsQuery) -> Page[ProductView]:
        check_page(q.limit, q.offset)
        search = _search_text(q.q)
        active = q.active
        if not sees_inactive_products(q.actor):
            if active is False:
                return Page([], 0, q.limit, q.offset)
            active = True
        query = ProductQuery(q.limit, q.offset, search, active, q.sort, q.descending)
        async with self._uow.read() as uow:
            products, total = await uow.products.list(query)
        return Page([ProductView.from_product(p) for p in products], total, q.limit, q.offset)


def _search_text(q: str | None) -> str | None:
    """A name search, trimmed (names are); blank means none. No control characters
    (PostgreSQL refuses NUL)."""
    if q is None or not check_text(q, "q").strip():
        return None
    q = q.strip()
    if len(q) > NAME_MAX or any(ord(c) < 0x20 or c == "\x7f" for c in q):
        raise InvalidSearch(f"q must be at most {NAME_MAX} characters, without control ones")
    return q
