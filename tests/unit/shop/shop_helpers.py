"""The shop's use cases wired to the in-memory adapters, for the unit tests: each call
gets its own unit of work, as in the app."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dependency_injector import providers

from adapters.memory.idempotency import InMemoryIdempotencyUnitOfWork
from adapters.memory.shop.payments import InMemoryPaymentGateway
from adapters.memory.shop.uow import InMemoryShopUnitOfWork
from adapters.memory.store import MemoryStore
from application.shared.actor import Actor
from application.shared.idempotency import ForgetIdempotencyKeys
from application.shared.paging import Page
from application.shop.dto import (
    AdjustStockCommand,
    ChangeProductCommand,
    CreateProductCommand,
    ListOrdersQuery,
    ListProductsQuery,
    OrderView,
    PlaceOrderCommand,
    ProductView,
)
from application.shop.use_cases.ordering import PlaceOrder
from domain.shared.roles import Role
from domain.shop.catalog import Product
from domain.shop.money import Currency
from entrypoints.containers.shop import ShopContainer
from tests.support.clock import ManualClock

ALICE = Actor("alice-id", Role.USER, "alice-session")
BOB = Actor("bob-id", Role.USER, "bob-session")
ADMIN = Actor("admin-id", Role.ADMIN, "admin-session")
USD = Currency.of("USD")


class PausingUnitOfWork(InMemoryShopUnitOfWork):
    """Stops before its `pause_before`-th transaction begins, sets `reached` and waits for
    `resume`: a request caught between two of its transactions, deterministically."""

    def __init__(self, store: MemoryStore, pause_before: int) -> None:
        super().__init__(store)
        self._pause_before = pause_before
        self._begun = 0
        self.reached = asyncio.Event()
        self.resume = asyncio.Event()

    async def begin(self) -> None:
        self._begun += 1
        if self._begun == self._pause_before:
            self.reached.set()
            await self.resume.wait()
        await super().begin()


ORDER_EXPIRY_MINUTES = 30


def shop_container(
    store: MemoryStore, clock: ManualClock, payments: InMemoryPaymentGateway, currency: Currency
) -> ShopContainer:
    """The shop context's container on the memory store, as the app configures it."""
    container = ShopContainer(
        uow=providers.Factory(InMemoryShopUnitOfWork, store),
        clock=providers.Object(clock),
        payments=providers.Object(payments),
    )
    container.config.from_dict(
        {"currency": currency.code, "order_expiry_minutes": ORDER_EXPIRY_MINUTES}
    )
    return container


@dataclass
class Shop:
    """The shop's use cases from its container; each call gets its own unit of work."""

    store: MemoryStore
    clock: ManualClock
    payments: InMemoryPaymentGateway
    currency: Currency = USD
    use_cases: ShopContainer = field(init=False)
    # CASEWORKS_ORDER_EXPIRY_MINUTES, as PlaceOrder gets it: a change moves no placed order.
    expiry_minutes: int = ORDER_EXPIRY_MINUTES

    def __post_init__(self) -> None:
        self.use_cases = shop_container(self.store, self.clock, self.payments, self.currency)

    def table(self, name: str) -> dict[Any, Any]:
        """A table of the shop's namespace in the memory store, as its repositories keep it."""
        return self.store.of("shop").table(name)

    # --- catalogue ----------------------------------------------------------------------

    async def add_product(
        self,
        sku: str = "MUG-1",
        price: str | int | Decimal = "10.00",
        stock: int = 10,
        name: str = "Mug",
        **options: object,
    ) -> ProductView:
        command = CreateProductCommand(ADMIN, sku, name, price, stock, **options)  # type: ignore[arg-type]
        return await self.use_cases.create_product().execute(command)

    async def create(self, cmd: CreateProductCommand) -> ProductView:
        return await self.use_cases.create_product().execute(cmd)

    async def change(self, cmd: ChangeProductCommand) -> ProductView:
        return await self.use_cases.change_product().execute(cmd)

    async def adjust(self, actor: Actor, product_id: str, delta: int) -> ProductView:
        command = AdjustStockCommand(actor, product_id, delta)
        return await self.use_cases.adjust_stock().execute(command)

    async def deactivate(self, actor: Actor, product_id: str) -> ProductView:
        return await self.use_cases.deactivate_product().execute(actor, product_id)

    async def get_product(self, actor: Actor | None, product_id: str) -> ProductView:
        return await self.use_cases.get_product().execute(actor, product_id)

    async def list_products(
        self, actor: Actor | None = None, limit: int = 50, **options: object
    ) -> Page[ProductView]:
        query = ListProductsQuery(actor, limit, **options)  # type: ignore[arg-type]
        return await self.use_cases.list_products().execute(query)

    def stored_product(self, product_id: str) -> Product:
        product: Product = self.table("products")[product_id]
        return product

    def stock(self, product_id: str) -> int:
        return self.stored_product(product_id).stock

    def counts(self, product_id: str) -> tuple[int, int, int]:
        """(on_hand, reserved, stock) as stored."""
        product = self.stored_product(product_id)
        return product.on_hand, product.reserved, product.stock

    # --- orders -------------------------------------------------------------------------

    def place_order_use_case(self) -> PlaceOrder:
        return self.use_cases.place_order(expiry_minutes=self.expiry_minutes)

    async def place(
        self, actor: Actor, *lines: tuple[str, int], key: str | None = None
    ) -> OrderView:
        command = PlaceOrderCommand(actor, tuple(lines), key)
        return await self.place_order_use_case().execute(command)

    async def pay(self, actor: Actor, order_id: str) -> OrderView:
        return await self.use_cases.pay_order().execute(actor, order_id)

    async def ship(self, actor: Actor, order_id: str) -> OrderView:
        return await self.use_cases.ship_order().execute(actor, order_id)

    async def deliver(self, actor: Actor, order_id: str) -> OrderView:
        return await self.use_cases.deliver_order().execute(actor, order_id)

    async def cancel(self, actor: Actor, order_id: str) -> OrderView:
        return await self.use_cases.cancel_order().execute(actor, order_id)

    async def expire(self, batch_size: int = 100) -> int:
        return await self.use_cases.expire_orders(batch_size=batch_size).execute()

    async def forget_keys(self, batch_size: int = 1000) -> int:
        """The shared kernel's job (not the shop's), on the idempotency keys alone."""
        keys = InMemoryIdempotencyUnitOfWork(self.store)
        return await ForgetIdempotencyKeys(keys, self.clock, batch_size).execute()

    async def get_order(self, actor: Actor, order_id: str) -> OrderView:
        return await self.use_cases.get_order().execute(actor, order_id)

    async def list_orders(
        self, actor: Actor, limit: int = 50, **options: object
    ) -> Page[OrderView]:
        query = ListOrdersQuery(actor, limit, **options)  # type: ignore[arg-type]
        return await self.use_cases.list_orders().execute(query)

    def order_count(self) -> int:
        return len(self.table("orders"))
