"""Products: money as BIGINT minor units plus the currency code, a case-folded name for `q`;
units as `stock` (what orders may take) and `reserved`, so on_hand = stock + reserved."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.conflicts import InsertIfAbsent, is_unique_violation
from adapters.sql.tables.shop import products
from application.shop.ports import ProductQuery, ProductRepository, ProductSortField
from domain.shop.catalog import Product
from domain.shop.errors import SkuTaken
from domain.shop.money import Currency, Money

# Column keys are Product's field names, except the price (two columns), search_name
# (derived from the name, never read back) and stock, stored instead of on_hand: the
# column the database's oversell check (stock >= 0) guards (tables.py).
_FIELDS = [c for c in products.c if c.key != "search_name"]
_SORT_COLUMNS = {
    ProductSortField.NAME: products.c.name,
    ProductSortField.PRICE: products.c.price_minor,
    ProductSortField.CREATED_AT: products.c.created_at,
}

# Built once: building a statement costs more than running it on SQLite.
_ONE = select(*_FIELDS).where(products.c.id == bindparam("product_id"))
_EXISTS = select(products.c.id).where(products.c.id == bindparam("product_id"))
# Rows are locked as they leave the sort, so in ascending id order: two transactions
# taking the same products never wait for each other in a cycle. (SQLite ignores FOR
# UPDATE: its writer already holds BEGIN IMMEDIATE.)
_MANY_FOR_UPDATE = (
    select(*_FIELDS)
    .where(products.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(products.c.id)
    .with_for_update()
)
_INSERT = InsertIfAbsent(products, "sku")
# Writes back every field but only if no other product holds the SKU, so a taken SKU is
# 0 rows rather than an error that would abort a PostgreSQL transaction.
_other = products.alias("other")
_SAVE = (
    update(products)
    .where(products.c.id == bindparam("product_id"))
    .where(~exists().where(_other.c.sku == bindparam("new_sku"), _other.c.id != products.c.id))
)


def _product(row: Any) -> Product:
    fields = dict(row._mapping)
    currency = Currency.of(fields.pop("currency"))
    price = Money.from_minor_units(fields.pop("price_minor"), currency)
    on_hand = fields.pop("stock") + fields["reserved"]
    return Product(**fields, price=price, on_hand=on_hand)


def _values(product: Product) -> dict[str, Any]:
    values = dict(vars(product))
    price: Money = values.pop("price")
    del values["on_hand"]
    values.update(
        price_minor=price.minor_units,
        currency=price.currency.code,
        search_name=product.search_name,
        stock=product.stock,
    )
    return values


class SqlProductRepository(ProductRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, product: Product) -> None:
        if not await _INSERT(self._db, _values(product)):
            raise SkuTaken.for_sku(product.sku)

    async def get(self, product_id: str) -> Product | None:
        row = (await self._db.execute(_ONE, {"product_id": product_id})).first()
        return _product(row) if row else None

    async def get_many_for_update(self, product_ids: Collection[str]) -> Sequence[Product]:
        if not product_ids:
            return []
        rows = await self._db.execute(_MANY_FOR_UPDATE, {"ids": sorted(set(product_ids))})
        return [_product(row) for row in rows]

    async def save(self, product: Product) -> None:
        values = _values(product)
        del values["id"], values["created_at"]  # never change
        params = {**values, "product_id": product.id, "new_sku": product.sku}
        try:
            saved = (await self._db.execute(_SAVE, params)).rowcount
        except IntegrityError as error:
            # PostgreSQL only: another transaction took the SKU, unseen by the check while
            # uncommitted, and committed while this UPDATE waited on it. This error aborts
            # the transaction; the caller leaves it on SkuTaken anyway.
            if is_unique_violation(error):
                raise SkuTaken.for_sku(product.sku) from error
            raise
        if saved == 0 and (await self._db.execute(_EXISTS, {"product_id": product.id})).first():
            raise SkuTaken.for_sku(product.sku)

    async def list(self, query: ProductQuery) -> tuple[Sequence[Product], int]:
        where = []
        if query.active is not None:
            where.append(products.c.active == query.active)
        if query.q is not None:
            # Both sides case-folded (so SQLite's ASCII-blind LIKE changes nothing);
            # wildcards in q match literally (autoescape).
            where.append(products.c.search_name.contains(query.q.casefold(), autoescape=True))
        # Ties break by creation time, then id, in the sort's direction.
        keys = (_SORT_COLUMNS[query.sort], products.c.created_at, products.c.id)
        page = (
            select(*_FIELDS)
            .where(*where)
            .order_by(*(k.desc() if query.descending else k.asc() for k in keys))
            .limit(query.limit)
            .offset(query.offset)
        )
        rows = (await self._db.execute(page)).all()
        count = select(func.count()).select_from(products).where(*where)
        total = (await self._db.execute(count)).scalar_one()
        return [_product(r) for r in rows], total
