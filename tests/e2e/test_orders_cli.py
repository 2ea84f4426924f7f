"""`caseworks orders expire`: the sweeper's pass, once, from the command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from application.accounts.dto import RegisterCommand
from application.shared.actor import Actor
from application.shop.dto import CreateProductCommand, ListOrdersQuery, PlaceOrderCommand
from domain.shared.roles import Role
from entrypoints.container import build_container, close_resources
from entrypoints.settings import Settings
from tests.e2e.conftest import run_cli
from tests.support.clock import ManualClock

PASSWORD = "correct horse battery staple"


def settings(env: dict[str, str]) -> Settings:
    return Settings(
        database_url=env["CASEWORKS_DATABASE_URL"],
        secret_key="e2e-secret-key-that-is-long-enough-0123456789",
        argon2_profile="CHEAPEST",
        _env_file=None,
    )


async def place_orders_an_hour_ago(env: dict[str, str]) -> str:
    """A product with stock 5 and an order of 2 placed an hour ago; the product's id."""
    container = build_container(settings(env))
    container.clock.override(ManualClock(datetime.now(UTC) - timedelta(hours=1)))
    try:
        user = await container.register_user().execute(RegisterCommand("alice", PASSWORD))
        buyer = Actor(user.id, Role.USER, "cli-test")
        admin = Actor(user.id, Role.ADMIN, "cli-test")  # the use cases check the role only
        mug = await container.create_product().execute(
            CreateProductCommand(admin, "MUG-1", "Mug", "9.99", on_hand=5)
        )
        await container.place_order().execute(PlaceOrderCommand(buyer, ((mug.id, 2),)))
        return mug.id
    finally:
        await close_resources(container)


async def stock_and_statuses(env: dict[str, str], product_id: str) -> tuple[int, list[str]]:
    container = build_container(settings(env))
    try:
        mug = await container.get_product().execute(None, product_id)
        orders = await container.list_orders().execute(
            ListOrdersQuery(Actor("x", Role.ADMIN, "cli-test"), limit=10)
        )
        return mug.stock, [order.status.value for order in orders.items]
    finally:
        await close_resources(container)


def test_expire_returns_the_stock_of_overdue_orders(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli(["db", "upgrade"], server_env, tmp_path).returncode == 0
    product_id = asyncio.run(place_orders_an_hour_ago(server_env))

    result = run_cli(["orders", "expire"], server_env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "expired 1 orders, forgot 0 idempotency keys"
    assert asyncio.run(stock_and_statuses(server_env, product_id)) == (5, ["expired"])
    again = run_cli(["orders", "expire"], server_env, tmp_path)
    assert again.stdout.strip() == "expired 0 orders, forgot 0 idempotency keys"


def test_expire_refuses_memory_storage(server_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(["orders", "expire"], {**server_env, "CASEWORKS_STORAGE": "memory"}, tmp_path)

    assert result.returncode == 2
    assert "memory" in result.stderr
    assert result.stdout == ""
