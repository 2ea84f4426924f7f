"""`caseworks jobs run [NAME...]`: the server's jobs (expiring unpaid orders, forgetting old
idempotency keys), one pass, from the command line."""

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
        hash_workers=0,  # threads: no process pool per test app
        _env_file=None,
    )


async def place_orders_an_hour_ago(env: dict[str, str]) -> str:
    """A product with stock 5 and an order of 2 placed an hour ago; the product's id."""
    container = build_container(settings(env))
    container.clock.override(ManualClock(datetime.now(UTC) - timedelta(hours=1)))
    try:
        user = (
            await container.accounts().register_user().execute(RegisterCommand("alice", PASSWORD))
        )
        buyer = Actor(user.id, Role.USER, "cli-test")
        admin = Actor(user.id, Role.ADMIN, "cli-test")  # the use cases check the role only
        shop = container.shop()
        mug = await shop.create_product().execute(
            CreateProductCommand(admin, "MUG-1", "Mug", "9.99", on_hand=5)
        )
        await shop.place_order().execute(PlaceOrderCommand(buyer, ((mug.id, 2),)))
        return mug.id
    finally:
        await close_resources(container)


async def stock_and_statuses(env: dict[str, str], product_id: str) -> tuple[int, list[str]]:
    container = build_container(settings(env))
    try:
        shop = container.shop()
        mug = await shop.get_product().execute(None, product_id)
        orders = await shop.list_orders().execute(
            ListOrdersQuery(Actor("x", Role.ADMIN, "cli-test"), limit=10)
        )
        return mug.stock, [order.status.value for order in orders.items]
    finally:
        await close_resources(container)


def lines(stdout: str) -> list[str]:
    """The CLI's lines, one per job (their order is the registry's, not checked here)."""
    return sorted(stdout.strip().splitlines())


def test_the_jobs_expire_overdue_orders_and_return_their_stock(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli(["db", "upgrade"], server_env, tmp_path).returncode == 0
    product_id = asyncio.run(place_orders_an_hour_ago(server_env))

    result = run_cli(["jobs", "run"], server_env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert lines(result.stdout) == ["shared.forget_idempotency_keys: 0", "shop.expire_orders: 1"]
    assert asyncio.run(stock_and_statuses(server_env, product_id)) == (5, ["expired"])
    again = run_cli(["jobs", "run"], server_env, tmp_path)
    assert again.returncode == 0, again.stderr
    assert lines(again.stdout) == ["shared.forget_idempotency_keys: 0", "shop.expire_orders: 0"]


def test_named_jobs_run_alone_and_an_unknown_name_runs_nothing(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli(["db", "upgrade"], server_env, tmp_path).returncode == 0
    product_id = asyncio.run(place_orders_an_hour_ago(server_env))

    unknown = run_cli(["jobs", "run", "shop.expire_orders", "no.such_job"], server_env, tmp_path)
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert "no.such_job" in unknown.stderr
    assert asyncio.run(stock_and_statuses(server_env, product_id)) == (3, ["pending_payment"])

    named = run_cli(["jobs", "run", "shop.expire_orders"], server_env, tmp_path)
    assert named.returncode == 0, named.stderr
    assert named.stdout.strip() == "shop.expire_orders: 1"
    assert asyncio.run(stock_and_statuses(server_env, product_id)) == (5, ["expired"])


def test_the_jobs_refuse_memory_storage(server_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(["jobs", "run"], {**server_env, "CASEWORKS_STORAGE": "memory"}, tmp_path)

    assert result.returncode == 2
    assert "memory" in result.stderr
    assert result.stdout == ""
