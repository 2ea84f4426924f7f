"""Browsing the catalogue: public. Deactivated products are shown to administrators
only; to anyone else they do not exist (404, and never listed)."""

from __future__ import annotations

from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shared.paging import Page, check_page
from application.shop.dto import ListProductsQuery, ProductView
from application.shop.ports import ProductQuery, ShopUnitOfWork
from application.shop.use_cases.access import sees_inactive_products
from domain.shop.errors import ProductNotFound
from domain.shop.product_fields import clean_search


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
        search = clean_search(q.q)
        active = q.active
        if not sees_inactive_products(q.actor):
            if active is False:
                return Page([], 0, q.limit, q.offset)
            active = True
        query = ProductQuery(q.limit, q.offset, search, active, q.sort, q.descending)
        async with self._uow.read() as uow:
            products, total = await uow.products.list(query)
        return Page([ProductView.from_product(p) for p in products], total, q.limit, q.offset)
