"""Two real `caseworks serve` processes on ONE database (a shared SQLite file, or
PostgreSQL): the shop's concurrency rules hold across processes, not only across the
requests of one process (issue 8, item 6).

Each backend gets one pair of servers for the module (start-up dominates otherwise); the
tests tell their data apart by fresh products and buyers, and count orders as deltas.
Requests alternate between the two servers; results are checked over HTTP, and no server
may log an error, a traceback, a 5xx or a storage conflict (a deadlock that leaked).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import update

from adapters.sql.engine import create_engine
from adapters.sql.tables.shop import orders as orders_table
from tests.e2e.conftest import run_cli
from tests.e2e.shop_cluster import (
    BACKENDS,
    LIMITS,
    MADE_OLD_BY,
    ORDERS_TO_SWEEP,
    OVERDUE_BY,
    TIMEOUT,
    Cluster,
    assert_servers_quiet,
    describe,
    new_buyers,
    new_product,
    order_body,
    order_count,
    start_cluster,
    stock_of,
    warm,
)


@pytest.fixture(scope="module", params=BACKENDS)
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    backend: str = request.param
    with start_cluster(backend, tmp_path_factory.mktemp(f"two-servers-{backend}")) as running:
        yield running


async def test_hundred_buyers_race_for_ten_units(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        product = await new_product(http, cluster, stock=10)
        buyers = await new_buyers(http, cluster, 20)
        before = await order_count(http, cluster)
        await warm(http, cluster, 100)

        responses = await asyncio.gather(
            *(
                http.post(
                    cluster.url(i, "/orders"),
                    json=order_body((product, 1)),
                    headers=buyers[i % len(buyers)],
                )
                for i in range(100)
            )
        )

        assert describe(responses) == {(201, None): 10, (409, "insufficient_stock"): 90}
        placed = [r.json() for r in responses if r.status_code == 201]
        assert len({order["id"] for order in placed}) == 10
        assert all(order["status"] == "pending_payment" for order in placed)
        assert all([line["quantity"] for line in o["lines"]] == [1] for o in placed)
        for refused in (r for r in responses if r.status_code == 409):
            # Nothing was left to reserve: never a negative or stale count.
            assert refused.json()["lines"] == [
                {"product_id": product, "requested": 1, "available": 0}
            ]
        assert await stock_of(http, cluster, product) == 0
        assert await order_count(http, cluster) - before == 10
        # Every placed order is readable from either server.
        fetched = await asyncio.gather(
            *(
                http.get(cluster.url(i + 1, f"/orders/{o['id']}"), headers=cluster.admin)
                for i, o in enumerate(placed)
            )
        )
        assert [r.status_code for r in fetched] == [200] * 10
    assert_servers_quiet(cluster)


async def test_patches_with_one_if_match_on_both_servers_apply_once(cluster: Cluster) -> None:
    """Two admins edit from the same read, on different servers, five times over: each
    time exactly one PATCH applies and the other is a 412."""
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        product = await new_product(http, cluster, stock=10)
        url = f"/products/{product}"
        for round_ in range(5):
            read = await http.get(cluster.url(round_, url), headers=cluster.admin)
            headers = cluster.admin | {"If-Match": read.headers["ETag"]}
            responses = await asyncio.gather(
                *(
                    http.patch(cluster.url(i, url), json={"on_hand": 20 + i}, headers=headers)
                    for i in range(2)
                )
            )
            assert describe(responses) == {(200, None): 1, (412, "precondition_failed"): 1}
            (won,) = [r for r in responses if r.status_code == 200]
            after = await http.get(cluster.url(round_ + 1, url), headers=cluster.admin)
            assert after.json()["on_hand"] == won.json()["on_hand"]
            assert after.headers["ETag"] == won.headers["ETag"] != read.headers["ETag"]
    assert_servers_quiet(cluster)


async def test_orders_taking_products_in_opposite_orders_all_finish(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        products = [await new_product(http, cluster, stock=1000) for _ in range(4)]
        buyers = await new_buyers(http, cluster, 10)
        before = await order_count(http, cluster)
        forwards = order_body(*((p, 1) for p in products))
        backwards = order_body(*((p, 1) for p in reversed(products)))
        await warm(http, cluster, 20)

        # Ten pairs at once, each pair one buyer's forwards and another's backwards cart,
        # the two halves of a pair on different servers.
        responses = await asyncio.gather(
            *(
                http.post(
                    cluster.url(i, "/orders"),
                    json=forwards if i % 2 == 0 else backwards,
                    headers=buyers[(i // 2 + i % 2) % len(buyers)],
                )
                for i in range(20)
            )
        )

        assert describe(responses) == {(201, None): 20}, [r.text for r in responses]
        assert await order_count(http, cluster) - before == 20
        for product in products:
            assert await stock_of(http, cluster, product) == 1000 - 20
    assert_servers_quiet(cluster)


async def test_one_idempotency_key_sent_twenty_times_places_one_order(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        product = await new_product(http, cluster, stock=50)
        (buyer,) = await new_buyers(http, cluster, 1)
        key = {"Idempotency-Key": f"checkout-{uuid.uuid4()}"}
        body = order_body((product, 3))
        await warm(http, cluster, 20)

        responses = await asyncio.gather(
            *(
                http.post(cluster.url(i, "/orders"), json=body, headers=buyer | key)
                for i in range(20)
            )
        )

        outcomes = describe(responses)
        print(f"[{cluster.backend}] one key twenty times: {dict(outcomes)}")
        assert set(outcomes) <= {(201, None), (409, "idempotency_key_in_progress")}, outcomes
        created = [r for r in responses if r.status_code == 201]
        first = [r for r in created if "idempotent-replayed" not in r.headers]
        assert len(first) == 1, outcomes
        assert all(r.headers["idempotent-replayed"] == "true" for r in created if r not in first)
        order_id = first[0].json()["id"]
        assert {r.json()["id"] for r in created} == {order_id}
        # Each server names itself in Location; the order's path is the same.
        paths = {httpx.URL(r.headers["location"]).path for r in created}
        assert paths == {f"/orders/{order_id}"}

        # Once the first has finished, a retry on either server answers it again.
        retries = [
            await http.post(cluster.url(i, "/orders"), json=body, headers=buyer | key)
            for i in range(2)
        ]
        assert [r.status_code for r in retries] == [201, 201]
        assert [r.headers.get("idempotent-replayed") for r in retries] == ["true", "true"]
        assert [r.json()["id"] for r in retries] == [order_id, order_id]
        assert await order_count(http, cluster, buyer) == 1
        assert await stock_of(http, cluster, product) == 50 - 3
    assert_servers_quiet(cluster)


EXPIRE_ORDERS = ["jobs", "run", "shop.expire_orders"]  # the server's job, once, alone


async def _make_old(database_url: str, order_ids: Sequence[str]) -> None:
    """Back-date the orders in the database, deadline included, so the sweep finds them
    overdue."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            now = datetime.now(UTC)
            aged = update(orders_table).where(orders_table.c.id.in_(order_ids))
            placed, due = now - MADE_OLD_BY, now - OVERDUE_BY
            result = await connection.execute(aged.values(created_at=placed, expires_at=due))
            assert result.rowcount == len(order_ids)
    finally:
        await engine.dispose()


def _expired_by_server_jobs(cluster: Cluster, logged_before: Sequence[int]) -> int:
    """Orders the servers' own job runners expired since their logs had these lengths."""
    expired = 0
    for server, start in zip(cluster.servers, logged_before, strict=True):
        for line in server.log_lines()[start:]:
            entry = json.loads(line)
            if entry.get("msg") == "jobs ran":
                expired += int(entry.get("done", {}).get("shop.expire_orders", 0))
    return expired


async def test_cancel_racing_the_expiry_sweep_returns_stock_once(cluster: Cluster) -> None:
    """Buyers cancel old unpaid orders on both servers while two `caseworks jobs run
    shop.expire_orders` processes sweep them: every order ends cancelled or expired, and
    the stock comes back exactly once."""
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        mug, tea = (
            await new_product(http, cluster, stock=400),
            await new_product(http, cluster, 200),
        )
        buyers = await new_buyers(http, cluster, 10)
        placed = await asyncio.gather(
            *(
                http.post(
                    cluster.url(i, "/orders"),
                    json=order_body((mug, 1 + i % 3), (tea, 1)),
                    headers=buyers[i % len(buyers)],
                )
                for i in range(ORDERS_TO_SWEEP)
            )
        )
        assert describe(placed) == {(201, None): ORDERS_TO_SWEEP}
        orders = [(r.json()["id"], buyers[i % len(buyers)]) for i, r in enumerate(placed)]
        assert await stock_of(http, cluster, tea) == 200 - ORDERS_TO_SWEEP
        logged_before = [len(server.log_lines()) for server in cluster.servers]
        await _make_old(cluster.database_url, [order_id for order_id, _ in orders])

        sweeps = [
            asyncio.create_task(asyncio.to_thread(run_cli, EXPIRE_ORDERS, cluster.env, cluster.cwd))
            for _ in range(2)
        ]
        # Cancels one after another, 10 ms apart, on both servers, from shortly after the
        # sweeps start until they have finished (and a few after): some land before a
        # sweep, some while it holds the orders, some after. At most three quarters are
        # cancelled; the rest are left to the sweeps.
        candidates = random.sample(orders, k=ORDERS_TO_SWEEP * 3 // 4)
        to_cancel: list[str] = []
        cancels: list[asyncio.Task[httpx.Response]] = []
        await asyncio.sleep(0.3)  # the CLI's start-up (imports) takes longer than this
        after_sweeps = 5
        while candidates and after_sweeps:
            if all(sweep.done() for sweep in sweeps):
                after_sweeps -= 1
            order_id, buyer = candidates.pop()
            url = cluster.url(len(cancels), f"/orders/{order_id}/cancel")
            cancels.append(asyncio.create_task(http.post(url, headers=buyer)))
            to_cancel.append(order_id)
            await asyncio.sleep(0.01)
        cancelled = await asyncio.gather(*cancels)
        swept = await asyncio.gather(*sweeps)

        for result in swept:
            assert result.returncode == 0, result.stderr
            assert '"level": "error"' not in result.stderr, result.stderr
            assert "Traceback" not in result.stderr, result.stderr
        reported = [re.fullmatch(r"shop\.expire_orders: (\d+)", r.stdout.strip()) for r in swept]
        assert all(reported), [r.stdout for r in swept]
        expired_by_sweeps = sum(int(m.group(1)) for m in reported if m)

        outcomes = describe(cancelled)
        assert set(outcomes) <= {(200, None), (409, "invalid_transition")}, outcomes
        for response in cancelled:
            if response.status_code == 409:
                assert response.json()["order_status"] == "expired"
        final = await asyncio.gather(
            *(
                http.get(cluster.url(i, f"/orders/{order_id}"), headers=cluster.admin)
                for i, (order_id, _) in enumerate(orders)
            )
        )
        status = {r.json()["id"]: r.json()["status"] for r in final}
        cancel_won = {
            order_id
            for order_id, response in zip(to_cancel, cancelled, strict=True)
            if response.status_code == 200
        }
        assert {i for i, s in status.items() if s == "cancelled"} == cancel_won
        assert {i for i, s in status.items() if s == "expired"} == set(status) - cancel_won
        for response in final:
            history = [change["status"] for change in response.json()["history"]]
            assert history in (["pending_payment", "cancelled"], ["pending_payment", "expired"])
        # The servers' own job runners (every 30-60 s) may sweep the back-dated orders too.
        expired_by_servers = _expired_by_server_jobs(cluster, logged_before)
        assert expired_by_sweeps + expired_by_servers == len(status) - len(cancel_won)
        assert await stock_of(http, cluster, mug) == 400
        assert await stock_of(http, cluster, tea) == 200
        print(
            f"[{cluster.backend}] cancel won {len(cancel_won)}, sweeps expired "
            f"{[m.group(1) for m in reported if m]} of {len(orders)}; {dict(outcomes)}"
        )
    assert_servers_quiet(cluster)
