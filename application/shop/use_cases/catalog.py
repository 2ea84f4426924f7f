"""Writing the catalogue: administrators only (browsing.py reads it)."""

from __future__ import annotations

from application.shared.actor import Actor
from application.shared.ids import check_id, new_id
from application.shared.ports import Clock
from application.shop.dto import (
    AdjustStockCommand,
    ChangeProductCommand,
    CreateProductCommand,
    ProductView,
)
from application.shop.ports import ShopUnitOfWork
from application.shop.use_cases.access import require_admin
from domain.shared.unset import UNSET, Unset
from domain.shop.catalog import Product
from domain.shop.errors import ProductNotFound
from domain.shop.money import Currency, Money
from domain.shop.product_fields import parse_price


class CreateProduct:
    def __init__(self, uow: ShopUnitOfWork, clock: Clock, currency: Currency) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency

    async def execute(self, cmd: CreateProductCommand) -> ProductView:
        require_admin(cmd.actor, "add products")
        price = parse_price(cmd.price, self._currency)
        product = Product.create(
            new_id(),
            cmd.sku,
            cmd.name,
            cmd.description,
            price,
            cmd.on_hand,
            self._clock.now(),
            cmd.active,
        )
        async with self._uow.write() as uow:
            await uow.products.add(product)
            await uow.commit()
        return ProductView.from_product(product)


class ChangeProduct:
    """PATCH: only the given fields change; a price is read in the shop's currency. The
    expected version (If-Match) is checked against the locked product, in the transaction
    that writes it: of two changes conditional on one version, exactly one applies."""

    def __init__(self, uow: ShopUnitOfWork, clock: Clock, currency: Currency) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency

    async def execute(self, cmd: ChangeProductCommand) -> ProductView:
        require_admin(cmd.actor, "change products")
        check_id(cmd.product_id, "product id")
        price: Money | Unset = UNSET
        if not isinstance(cmd.price, Unset):
            price = parse_price(cmd.price, self._currency)
        async with self._uow.write() as uow:
            product = await _locked(uow, cmd.product_id)
            product.check_version(cmd.expected_versions)
            product.change(
                self._clock.now(),
                sku=cmd.sku,
                name=cmd.name,
                description=cmd.description,
                price=price,
                on_hand=cmd.on_hand,
                active=cmd.active,
            )
            await uow.products.save(product)
            await uow.commit()
        return ProductView.from_product(product)


class AdjustStock:
    """Restock or write off units on the shelf by a delta, under the product's lock:
    concurrent adjustments add up instead of overwriting each other."""

    def __init__(self, uow: ShopUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, cmd: AdjustStockCommand) -> ProductView:
        require_admin(cmd.actor, "adjust stock")
        check_id(cmd.product_id, "product id")
        async with self._uow.write() as uow:
            product = await _locked(uow, cmd.product_id)
            product.adjust_stock(cmd.delta, self._clock.now())
            await uow.products.save(product)
            await uow.commit()
        return ProductView.from_product(product)


class DeactivateProduct:
    """Deleting a product is deactivating it: placed orders keep their snapshots."""

    def __init__(self, uow: ShopUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, product_id: str) -> ProductView:
        require_admin(actor, "deactivate products")
        check_id(product_id, "product id")
        async with self._uow.write() as uow:
            product = await _locked(uow, product_id)
            product.deactivate(self._clock.now())
            await uow.products.save(product)
            await uow.commit()
        return ProductView.from_product(product)


async def _locked(uow: ShopUnitOfWork, product_id: str) -> Product:
    products = await uow.products.get_many_for_update([product_id])
    if not products:
        raise ProductNotFound.with_id(product_id)
    return products[0]
