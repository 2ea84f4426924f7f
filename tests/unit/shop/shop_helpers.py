"""The shop's use cases wired to the in-memory adapters, for the unit tests: each call
gets its own unit of work, as in the app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from adapters.memory import shop as memory_shop
from adapters.memory.payments import InMemoryPaymentGateway
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.shared.actor import Actor
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
from application.shop.ports import ShopUnitOfWork
from application.shop.use_cases import (
    AdjustStock,
    CancelOrder,
    ChangeProduct,
    CreateProduct,
    DeactivateProduct,
    DeliverOrder,
    ExpireOrders,
    ForgetIdempotencyKeys,
    GetOrder,
    GetProduct,
    ListOrders,
    ListProducts,
    PayOrder,
    PlaceOrder,
    ShipOrder,
)
from domain.shared.roles import Role
from domain.shop.catalog import Product
from domain.shop.money import Currency
from tests.support.clock import ManualClock

ALICE = Actor("alice-id", Role.USER, "alice-session")
BOB = Actor("bob-id", Role.USER, "bob-session")
ADMIN = Actor("admin-id", Role.ADMIN, "admin-session")
USD = Currency.of("USD")


class ShopMemoryUnitOfWork(InMemoryUnitOfWork, ShopUnitOfWork):
    """The in-memory unit of work with the shop's repositories bound too, until
    adapters/memory/uow.py lists adapters.memory.shop.REPOSITORIES itself."""

    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store)
        for name, repository in memory_shop.REPOSITORIES.items():
            setattr(self, name, repository(store, self._journal))


class PausingUnitOfWork(ShopMemoryUnitOfWork):
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


@dataclass
class Shop:
    store: MemoryStore
    clock: ManualClock
    payments: InMemoryPaymentGateway
    uow_class: Callable[[MemoryStore], ShopUnitOfWork]
    currency: Currency = USD
    expiry_minutes: int = 30  # CASEWORKS_ORDER_EXPIRY_MINUTES, as PlaceOrder gets it

    def uow(self) -> ShopUnitOfWork:
        return self.uow_class(self.store)

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
        return await CreateProduct(self.uow(), self.clock, self.currency).execute(command)

    async def create(self, cmd: CreateProductCommand) -> ProductView:
        return await CreateProduct(self.uow(), self.clock, self.currency).execute(cmd)

    async def change(self, cmd: ChangeProductCommand) -> ProductView:
        return await ChangeProduct(self.uow(), self.clock, self.currency).execute(cmd)

    async def adjust(self, actor: Actor, product_id: str, delta: int) -> ProductView:
        command = AdjustStockCommand(actor, product_id, delta)
        return await AdjustStock(self.uow(), self.clock).execute(command)

    async def deactivate(self, actor: Actor, product_id: str) -> ProductView:
        return await DeactivateProduct(self.uow(), self.clock).execute(actor, product_id)

    async def get_product(self, actor: Actor | None, product_id: str) -> ProductView:
        return await GetProduct(self.uow()).execute(actor, product_id)

    async def list_products(
        self, actor: Actor | None = None, limit: int = 50, **options: object
    ) -> Page[ProductView]:
        query = ListProductsQuery(actor, limit, **options)  # type: ignore[arg-type]
        return await ListProducts(self.uow()).execute(query)

    def stored_product(self, product_id: str) -> Product:
        product: Product = self.store.table("products")[product_id]
        return product

    def stock(self, product_id: str) -> int:
        return self.stored_product(product_id).stock

    def counts(self, product_id: str) -> tuple[int, int, int]:
        """(on_hand, reserved, stock) as stored."""
        product = self.stored_product(product_id)
        return product.on_hand, product.reserved, product.stock

    # --- orders -------------------------------------------------------------------------

    def place_order_use_case(self) -> PlaceOrder:
        return PlaceOrder(self.uow(), self.clock, self.currency, self.expiry_minutes)

    async def place(
        self,
        actor: Actor,
        *lines: tuple[str, int],
        key: str | None = None,
        fingerprint: str | None = None,
    ) -> OrderView:
        command = PlaceOrderCommand(actor, tuple(lines), key, fingerprint)
        return await self.place_order_use_case().execute(command)

    async def pay(self, actor: Actor, order_id: str) -> OrderView:
        return await PayOrder(self.uow(), self.clock, self.payments).execute(actor, order_id)

    async def ship(self, actor: Actor, order_id: str) -> OrderView:
        return await ShipOrder(self.uow(), self.clock).execute(actor, order_id)

    async def deliver(self, actor: Actor, order_id: str) -> OrderView:
        return await DeliverOrder(self.uow(), self.clock).execute(actor, order_id)

    async def cancel(self, actor: Actor, order_id: str) -> OrderView:
        return await CancelOrder(self.uow(), self.clock, self.payments).execute(actor, order_id)

    async def expire(self, batch_size: int = 100) -> int:
        return await ExpireOrders(self.uow(), self.clock, batch_size).execute()

    async def forget_keys(self, batch_size: int = 1000) -> int:
        return await ForgetIdempotencyKeys(self.uow(), self.clock, batch_size).execute()

    async def get_order(self, actor: Actor, order_id: str) -> OrderView:
        return await GetOrder(self.uow()).execute(actor, order_id)

    async def list_orders(
        self, actor: Actor, limit: int = 50, **options: object
    ) -> Page[OrderView]:
        query = ListOrdersQuery(actor, limit, **options)  # type: ignore[arg-type]
        return await ListOrders(self.uow()).execute(query)

    def order_count(self) -> int:
        return len(self.store.table("orders"))
