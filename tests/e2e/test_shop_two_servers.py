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
import contextlib
import json
import os
import random
import re
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from adapters.sql.engine import create_engine
from adapters.sql.tables import orders as orders_table
from tests.e2e.conftest import Server, run_cli, running_server
from tests.support.storage import postgres_url, truncate_postgres

BACKENDS = ["sqlite", "postgres"]
SECRET = "two-servers-e2e-secret-key-long-enough-0123456789"  # shared: a token works on both
ADMIN = "root"
PASSWORD = "correct horse battery staple"
# The servers' own sweepers (every 30-60 s) never expire this module's orders; the CLI
# sweep, given a shorter expiry, expires those the cancel-vs-expire test made old.
SERVER_EXPIRY_MINUTES = 7 * 24 * 60
CLI_EXPIRY_MINUTES = 60
MADE_OLD_BY = timedelta(hours=2)
ORDERS_TO_SWEEP = 100  # one full batch of the sweep (ExpireOrders.batch_size)
TIMEOUT = httpx.Timeout(60.0)
# Enough kept-alive connections for every request of a burst: opened beforehand (see
# _warm), a burst reaches the servers at once instead of one TCP handshake at a time.
LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=200)

_names = count()


@dataclass
class Cluster:
    backend: str
    database_url: str
    env: dict[str, str]
    cwd: Path
    servers: tuple[Server, Server]
    admin: dict[str, str]  # Authorization header, of a token issued by the first server

    def url(self, index: int, path: str) -> str:
        """`path` on the servers in turn: even indexes on the first, odd on the second."""
        return self.servers[index % 2].base_url + path


def _env(database_url: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORKS_")}
    return base | {
        "CASEWORKS_DATABASE_URL": database_url,
        "CASEWORKS_SECRET_KEY": SECRET,
        "CASEWORKS_ARGON2_PROFILE": "CHEAPEST",
        "CASEWORKS_ADMIN_USERNAME": ADMIN,
        "CASEWORKS_ADMIN_PASSWORD": PASSWORD,
        "CASEWORKS_ORDER_EXPIRY_MINUTES": str(SERVER_EXPIRY_MINUTES),
        "CASEWORKS_LOG_LEVEL": "INFO",
    }


def _empty_postgres(url: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            await truncate_postgres(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


@pytest.fixture(scope="module", params=BACKENDS)
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    backend: str = request.param
    cwd = tmp_path_factory.mktemp(f"two-servers-{backend}")
    if backend == "postgres":
        url = postgres_url()  # skips without CASEWORKS_TEST_POSTGRES_URL (fails in CI)
        env = _env(url)
        migrated = run_cli(["db", "upgrade"], env, cwd)
        assert migrated.returncode == 0, migrated.stderr
        _empty_postgres(url)
    else:
        url = f"sqlite+aiosqlite:///{cwd / 'shared.db'}"
        env = _env(url)
    with contextlib.ExitStack() as stack:
        # One after the other: on SQLite the first migrates the file and creates the admin
        # before the second starts (which then finds both done).
        first = stack.enter_context(running_server(env, cwd))
        second = stack.enter_context(running_server(env, cwd))
        login = httpx.post(
            f"{first.base_url}/login", json={"username": ADMIN, "password": PASSWORD}, timeout=10
        )
        assert login.status_code == 200, login.text
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        yield Cluster(backend, url, env, cwd, (first, second), admin)


# -- helpers ------------------------------------------------------------------------------


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_names)}-{uuid.uuid4().hex[:8]}"


async def _buyers(http: httpx.AsyncClient, cluster: Cluster, n: int) -> list[dict[str, str]]:
    """n new users, registered and logged in concurrently on both servers: their headers."""
    names = [_unique("buyer") for _ in range(n)]
    registered = await asyncio.gather(
        *(
            http.post(cluster.url(i, "/register"), json={"username": name, "password": PASSWORD})
            for i, name in enumerate(names)
        )
    )
    assert [r.status_code for r in registered] == [201] * n, [r.text for r in registered]
    logins = await asyncio.gather(
        *(
            # Logged in on the other server than registered: one database behind both.
            http.post(cluster.url(i + 1, "/login"), json={"username": name, "password": PASSWORD})
            for i, name in enumerate(names)
        )
    )
    assert [r.status_code for r in logins] == [200] * n, [r.text for r in logins]
    return [{"Authorization": f"Bearer {r.json()['access_token']}"} for r in logins]


async def _product(http: httpx.AsyncClient, cluster: Cluster, stock: int) -> str:
    sku = _unique("SKU-").upper()
    body = {"sku": sku, "name": f"Product {sku}", "price": "9.99", "stock": stock}
    created = await http.post(cluster.url(0, "/products"), json=body, headers=cluster.admin)
    assert created.status_code == 201, created.text
    product_id: str = created.json()["id"]
    return product_id


async def _stock(http: httpx.AsyncClient, cluster: Cluster, product_id: str) -> int:
    """The product's stock as each server reads it; both must agree."""
    seen = await asyncio.gather(
        *(
            http.get(cluster.url(i, f"/products/{product_id}"), headers=cluster.admin)
            for i in range(2)
        )
    )
    assert [r.status_code for r in seen] == [200, 200], [r.text for r in seen]
    stocks = {r.json()["stock"] for r in seen}
    assert len(stocks) == 1, stocks
    stock: int = stocks.pop()
    return stock


async def _order_count(
    http: httpx.AsyncClient, cluster: Cluster, headers: dict[str, str] | None = None
) -> int:
    """X-Total-Count of GET /orders: every order for the admin, the caller's for a buyer."""
    listed = await http.get(
        cluster.url(1, "/orders"), params={"limit": 1}, headers=headers or cluster.admin
    )
    assert listed.status_code == 200, listed.text
    return int(listed.headers["x-total-count"])


async def _warm(http: httpx.AsyncClient, cluster: Cluster, n: int) -> None:
    """Open n kept-alive connections, half to each server."""
    probes = await asyncio.gather(*(http.get(cluster.url(i, "/health/live")) for i in range(n)))
    assert {r.status_code for r in probes} == {200}


def _lines(*pairs: tuple[str, int]) -> dict[str, Any]:
    return {"lines": [{"product_id": p, "quantity": q} for p, q in pairs]}


def _code(response: httpx.Response) -> str | None:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return None
    code: str | None = response.json().get("code")
    return code


def _describe(responses: Sequence[httpx.Response]) -> Counter[tuple[int, str | None]]:
    return Counter((r.status_code, _code(r)) for r in responses)


def assert_servers_quiet(cluster: Cluster) -> None:
    """No server logged an error, a traceback, a 5xx or a storage conflict (a deadlock or
    serialisation failure that reached a client as 409 concurrent_update)."""
    bad: list[str] = []
    for server in cluster.servers:
        for line in server.log_lines():
            if "Traceback" in line:
                bad.append(line)
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                bad.append(line)  # every line is one JSON object
                continue
            status = entry.get("status")
            if (
                entry.get("level") in {"error", "critical"}
                or "exc" in entry
                or (isinstance(status, int) and status >= 500)
                or str(entry.get("msg", "")).startswith(("storage conflict", "storage unavail"))
            ):
                bad.append(line)
    assert not bad, "\n".join(bad[:20])


# -- the tests ----------------------------------------------------------------------------


async def test_hundred_buyers_race_for_ten_units(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        product = await _product(http, cluster, stock=10)
        buyers = await _buyers(http, cluster, 20)
        before = await _order_count(http, cluster)
        await _warm(http, cluster, 100)

        responses = await asyncio.gather(
            *(
                http.post(
                    cluster.url(i, "/orders"),
                    json=_lines((product, 1)),
                    headers=buyers[i % len(buyers)],
                )
                for i in range(100)
            )
        )

        assert _describe(responses) == {(201, None): 10, (409, "insufficient_stock"): 90}
        placed = [r.json() for r in responses if r.status_code == 201]
        assert len({order["id"] for order in placed}) == 10
        assert all(order["status"] == "pending_payment" for order in placed)
        assert all([line["quantity"] for line in o["lines"]] == [1] for o in placed)
        for refused in (r for r in responses if r.status_code == 409):
            # Nothing was left to reserve: never a negative or stale count.
            assert refused.json()["lines"] == [
                {"product_id": product, "requested": 1, "available": 0}
            ]
        assert await _stock(http, cluster, product) == 0
        assert await _order_count(http, cluster) - before == 10
        # Every placed order is readable from either server.
        fetched = await asyncio.gather(
            *(
                http.get(cluster.url(i + 1, f"/orders/{o['id']}"), headers=cluster.admin)
                for i, o in enumerate(placed)
            )
        )
        assert [r.status_code for r in fetched] == [200] * 10
    assert_servers_quiet(cluster)


async def test_orders_taking_products_in_opposite_orders_all_finish(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        products = [await _product(http, cluster, stock=1000) for _ in range(4)]
        buyers = await _buyers(http, cluster, 10)
        before = await _order_count(http, cluster)
        forwards = _lines(*((p, 1) for p in products))
        backwards = _lines(*((p, 1) for p in reversed(products)))
        await _warm(http, cluster, 20)

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

        assert _describe(responses) == {(201, None): 20}, [r.text for r in responses]
        assert await _order_count(http, cluster) - before == 20
        for product in products:
            assert await _stock(http, cluster, product) == 1000 - 20
    assert_servers_quiet(cluster)


async def test_one_idempotency_key_sent_twenty_times_places_one_order(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        product = await _product(http, cluster, stock=50)
        (buyer,) = await _buyers(http, cluster, 1)
        key = {"Idempotency-Key": f"checkout-{uuid.uuid4()}"}
        body = _lines((product, 3))
        await _warm(http, cluster, 20)

        responses = await asyncio.gather(
            *(
                http.post(cluster.url(i, "/orders"), json=body, headers=buyer | key)
                for i in range(20)
            )
        )

        outcomes = _describe(responses)
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
        assert await _order_count(http, cluster, buyer) == 1
        assert await _stock(http, cluster, product) == 50 - 3
    assert_servers_quiet(cluster)


async def _make_old(database_url: str, order_ids: Sequence[str]) -> None:
    """Back-date the orders in the database, so the sweep finds them overdue."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            when = datetime.now(UTC) - MADE_OLD_BY
            aged = update(orders_table).where(orders_table.c.id.in_(order_ids))
            result = await connection.execute(aged.values(created_at=when))
            assert result.rowcount == len(order_ids)
    finally:
        await engine.dispose()


async def test_cancel_racing_the_expiry_sweep_returns_stock_once(cluster: Cluster) -> None:
    """Buyers cancel old unpaid orders on both servers while two `caseworks orders expire`
    processes sweep them: every order ends cancelled or expired, and the stock comes back
    exactly once."""
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        mug, tea = await _product(http, cluster, stock=400), await _product(http, cluster, 200)
        buyers = await _buyers(http, cluster, 10)
        placed = await asyncio.gather(
            *(
                http.post(
                    cluster.url(i, "/orders"),
                    json=_lines((mug, 1 + i % 3), (tea, 1)),
                    headers=buyers[i % len(buyers)],
                )
                for i in range(ORDERS_TO_SWEEP)
            )
        )
        assert _describe(placed) == {(201, None): ORDERS_TO_SWEEP}
        orders = [(r.json()["id"], buyers[i % len(buyers)]) for i, r in enumerate(placed)]
        assert await _stock(http, cluster, tea) == 200 - ORDERS_TO_SWEEP
        await _make_old(cluster.database_url, [order_id for order_id, _ in orders])

        cli_env = cluster.env | {"CASEWORKS_ORDER_EXPIRY_MINUTES": str(CLI_EXPIRY_MINUTES)}
        sweeps = [
            asyncio.create_task(
                asyncio.to_thread(run_cli, ["orders", "expire"], cli_env, cluster.cwd)
            )
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
        reported = [re.fullmatch(r"expired (\d+) orders, .*", r.stdout.strip()) for r in swept]
        assert all(reported), [r.stdout for r in swept]
        expired_by_sweeps = sum(int(m.group(1)) for m in reported if m)

        outcomes = _describe(cancelled)
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
        assert expired_by_sweeps == len(status) - len(cancel_won)
        assert await _stock(http, cluster, mug) == 400
        assert await _stock(http, cluster, tea) == 200
        print(
            f"[{cluster.backend}] cancel won {len(cancel_won)}, sweeps expired "
            f"{[m.group(1) for m in reported if m]} of {len(orders)}; {dict(outcomes)}"
        )
    assert_servers_quiet(cluster)
