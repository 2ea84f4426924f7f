"""The shop context's use cases and jobs."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.shared.events import NO_EVENTS, BusinessEvents
from application.shared.ports import Clock
from application.shop.ports import PaymentGateway, ShopUnitOfWork
from application.shop.use_cases.browsing import GetProduct, ListProducts
from application.shop.use_cases.catalog import (
    AdjustStock,
    ChangeProduct,
    CreateProduct,
    DeactivateProduct,
)
from application.shop.use_cases.lifecycle import (
    CancelOrder,
    DeliverOrder,
    ExpireOrders,
    PayOrder,
    ShipOrder,
)
from application.shop.use_cases.ordering import PlaceOrder
from application.shop.use_cases.reading import GetOrder, ListOrders
from domain.shop.money import Currency


class ShopContainer(containers.DeclarativeContainer):
    config = providers.Configuration()
    uow = providers.Dependency(instance_of=ShopUnitOfWork)
    clock = providers.Dependency(instance_of=Clock)
    payments = providers.Dependency(instance_of=PaymentGateway)
    # What operators count (the Prometheus adapter in the app; nothing by default).
    events = providers.Dependency(instance_of=BusinessEvents, default=NO_EVENTS)

    # One currency per shop (CASEWORKS_CURRENCY).
    currency = providers.Singleton(Currency.of, config.currency)

    create_product = providers.Factory(CreateProduct, uow, clock, currency)
    change_product = providers.Factory(ChangeProduct, uow, clock, currency)
    adjust_stock = providers.Factory(AdjustStock, uow, clock)
    deactivate_product = providers.Factory(DeactivateProduct, uow, clock)
    get_product = providers.Factory(GetProduct, uow)
    list_products = providers.Factory(ListProducts, uow)
    # An order's payment deadline is set when it is placed (CASEWORKS_ORDER_EXPIRY_MINUTES).
    place_order = providers.Factory(
        PlaceOrder,
        uow,
        clock,
        currency,
        expiry_minutes=config.order_expiry_minutes,
        events=events,
    )
    pay_order = providers.Factory(PayOrder, uow, clock, payments)
    ship_order = providers.Factory(ShipOrder, uow, clock)
    deliver_order = providers.Factory(DeliverOrder, uow, clock)
    cancel_order = providers.Factory(CancelOrder, uow, clock, payments)
    expire_orders = providers.Factory(ExpireOrders, uow, clock)
    get_order = providers.Factory(GetOrder, uow)
    list_orders = providers.Factory(ListOrders, uow)
    # The sweeper runs these while the server runs (entrypoints/jobs.py).
    jobs = providers.Dict(expire_orders=expire_orders.provider)
