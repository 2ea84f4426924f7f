"""The running server's jobs expire unpaid orders (their stock comes back) and forget old
idempotency keys: a task of the app's lifespan (entrypoints/jobs.py) that outlives its
own errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from dependency_injector import providers

from application.accounts.dto import RegisterCommand
from domain.shared.roles import Role
from entrypoints import jobs
from entrypoints.http.app import create_app
from tests.http.conftest import (
    PASSWORD,
    assert_problem,
    bearer,
    login,
    make_container,
    register,
)
from tests.http.shop_helpers import add_product
from tests.support.clock import ManualClock


@pytest.fixture(autouse=True)
def quick_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "PAUSE_SECONDS", (0.01, 0.02))


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Polls `check` for up to 5 s: the jobs run in their own task."""
    for _ in range(500):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the jobs did not get there in 5 s")


async def test_an_unpaid_order_expires_and_its_stock_returns(
    tmp_path: Path, sqlite_template: Path
) -> None:
    container = make_container(tmp_path, sqlite_template, "memory", order_expiry_minutes=1)
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(providers.Object(clock))
    register_root = container.accounts().register_user()
    await register_root.execute(RegisterCommand("root", PASSWORD, role=Role.ADMIN))
    app = create_app(container)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            admin = bearer(await login(client, "root"))
            await register(client, "alice")
            alice = bearer(await login(client, "alice"))
            mug = await add_product(client, admin, on_hand=3)
            body = {"lines": [{"product_id": mug["id"], "quantity": 2}]}
            keyed = {**alice, "Idempotency-Key": "k"}
            placed = await client.post("/orders", json=body, headers=keyed)
            url = placed.headers["Location"]
            await asyncio.sleep(0.1)  # the jobs run, but nothing is overdue yet
            assert (await client.get(url, headers=alice)).json()["status"] == "pending_payment"

            clock.advance(minutes=1, seconds=1)

            async def expired() -> bool:
                return bool((await client.get(url, headers=alice)).json()["status"] == "expired")

            await eventually(expired)
            stock = (await client.get(f"/products/{mug['id']}")).json()["stock"]
            assert stock == 3

            keys = container.memory_store().of("shared").table("idempotency_keys_by_user")
            assert any(keys.values())
            clock.advance(hours=24)

            async def forgotten() -> bool:
                return not any(keys.values())  # user id -> {key: record}

            await eventually(forgotten)
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "caseworks-jobs"]


async def test_an_overdue_order_cannot_be_paid_before_the_sweeper_comes(
    tmp_path: Path, sqlite_template: Path
) -> None:
    container = make_container(tmp_path, sqlite_template, "memory", order_expiry_minutes=1)
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(providers.Object(clock))
    await (
        container.accounts()
        .register_user()
        .execute(RegisterCommand("root", PASSWORD, role=Role.ADMIN))
    )
    app = create_app(container)  # no lifespan: no jobs run meanwhile

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        admin = bearer(await login(client, "root"))
        mug = await add_product(client, admin, on_hand=3)
        body = {"lines": [{"product_id": mug["id"], "quantity": 2}]}
        placed = (await client.post("/orders", json=body, headers=admin)).json()
        created = datetime.fromisoformat(placed["created_at"])
        assert datetime.fromisoformat(placed["expires_at"]) == created + timedelta(minutes=1)
        url = f"/orders/{placed['id']}"

        clock.advance(minutes=1, seconds=1)
        late = await client.post(f"{url}/pay", headers=admin)

        assert_problem(late, 409, "order_payment_overdue")
        assert (await client.get(url, headers=admin)).json() == placed  # nothing changed
        assert await container.shop().expire_orders().execute() == 1  # the sweeper's pass
        expired = (await client.get(url, headers=admin)).json()
        assert (expired["status"], expired["expires_at"]) == ("expired", placed["expires_at"])
        assert (await client.get(f"/products/{mug['id']}")).json()["stock"] == 3


class FlakyJob:
    """Fails on its first pass, as when the database went away for a while."""

    def __init__(self, calls: list[int]) -> None:
        self._calls = calls

    async def execute(self) -> int:
        self._calls.append(1)
        if len(self._calls) == 1:
            raise ConnectionError("database went away")
        return 0


async def test_a_failed_job_is_logged_and_the_next_pass_runs(
    tmp_path: Path, sqlite_template: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []
    container = make_container(tmp_path, sqlite_template, "memory")
    container.shop.expire_orders.override(providers.Factory(FlakyJob, calls))
    app = create_app(container)

    with caplog.at_level(logging.ERROR, logger="caseworks.jobs"):
        async with app.router.lifespan_context(app):

            async def ran_again() -> bool:
                return len(calls) >= 2

            await eventually(ran_again)

    assert [r.getMessage() for r in caplog.records] == ["job failed"]
    assert [getattr(r, "job", None) for r in caplog.records] == ["shop.expire_orders"]
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "caseworks-jobs"]


class CountingJob:
    def __init__(self, done: int) -> None:
        self._done = done

    async def execute(self) -> int:
        return self._done


async def test_a_failing_job_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    registered = jobs.registered(
        {
            "first": {"flaky": lambda: FlakyJob([])},
            "second": {"steady": lambda: CountingJob(3)},
        }
    )

    with caplog.at_level(logging.ERROR, logger="caseworks.jobs"):
        done = await jobs.run_once(registered)

    assert done == {"second.steady": 3}
    assert [getattr(r, "job", None) for r in caplog.records] == ["first.flaky"]
