"""Two real `caseworks serve` processes on one database, for tests/e2e/test_shop_two_servers.py:
starting them, and the HTTP helpers those tests share."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import Server, run_cli, running_server
from tests.support.storage import postgres_url, scratch_postgres_database

BACKENDS = ["sqlite", "postgres"]
SECRET = "two-servers-e2e-secret-key-long-enough-0123456789"  # shared: a token works on both
ADMIN = "root"
PASSWORD = "correct horse battery staple"
# The servers' own jobs (every 30-60 s) never expire this module's orders, placed with a
# week to pay; the cancel-vs-expire test moves its orders' deadlines into the past, for
# the CLI's `jobs run shop.expire_orders` (a setting changed later would move no deadline
# of a placed order).
SERVER_EXPIRY_MINUTES = 7 * 24 * 60
MADE_OLD_BY = timedelta(hours=2)
OVERDUE_BY = timedelta(hours=1)
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


def cluster_env(database_url: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORKS_")}
    return base | {
        "CASEWORKS_DATABASE_URL": database_url,
        "CASEWORKS_SECRET_KEY": SECRET,
        "CASEWORKS_ARGON2_PROFILE": "CHEAPEST",
        "CASEWORKS_HASH_WORKERS": "0",  # threads: see tests/e2e/conftest.py
        "CASEWORKS_ADMIN_USERNAME": ADMIN,
        "CASEWORKS_ADMIN_PASSWORD": PASSWORD,
        "CASEWORKS_ORDER_EXPIRY_MINUTES": str(SERVER_EXPIRY_MINUTES),
        "CASEWORKS_LOG_LEVEL": "INFO",
    }


def prepared_database(
    stack: contextlib.ExitStack, backend: str, cwd: Path
) -> tuple[str, dict[str, str]]:
    """A database of `backend` for servers to share (a scratch PostgreSQL database, dropped
    when `stack` closes, migrated here; or a SQLite file in `cwd`, which the first server
    migrates), and the servers' environment for it."""
    if backend == "postgres":
        # Skips without CASEWORKS_TEST_POSTGRES_URL (fails in CI); a database of its own.
        server = postgres_url()
        url = stack.enter_context(scratch_postgres_database(server, migrate=False))
        env = cluster_env(url)
        migrated = run_cli(["db", "upgrade"], env, cwd)
        assert migrated.returncode == 0, migrated.stderr
        return url, env
    url = f"sqlite+aiosqlite:///{cwd / 'shared.db'}"
    return url, cluster_env(url)


async def admin_headers(server: Server) -> dict[str, str]:
    """The configured admin (CASEWORKS_ADMIN_*, created at start-up), logged in."""
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        login = await http.post(
            f"{server.base_url}/login", json={"username": ADMIN, "password": PASSWORD}
        )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@contextlib.contextmanager
def start_cluster(backend: str, cwd: Path) -> Iterator[Cluster]:
    """Two servers on one database of `backend`, and an admin's token (see the module doc)."""
    with contextlib.ExitStack() as stack:
        url, env = prepared_database(stack, backend, cwd)
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


def unique(prefix: str) -> str:
    return f"{prefix}{next(_names)}-{uuid.uuid4().hex[:8]}"


async def new_buyers(http: httpx.AsyncClient, cluster: Cluster, n: int) -> list[dict[str, str]]:
    """n new users, registered and logged in concurrently on both servers: their headers."""
    names = [unique("buyer") for _ in range(n)]
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


async def new_product(http: httpx.AsyncClient, cluster: Cluster, stock: int) -> str:
    sku = unique("SKU-").upper()
    body = {"sku": sku, "name": f"Product {sku}", "price": "9.99", "on_hand": stock}
    created = await http.post(cluster.url(0, "/products"), json=body, headers=cluster.admin)
    assert created.status_code == 201, created.text
    product_id: str = created.json()["id"]
    return product_id


async def stock_of(http: httpx.AsyncClient, cluster: Cluster, product_id: str) -> int:
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


async def order_count(
    http: httpx.AsyncClient, cluster: Cluster, headers: dict[str, str] | None = None
) -> int:
    """X-Total-Count of GET /orders: every order for the admin, the caller's for a buyer."""
    listed = await http.get(
        cluster.url(1, "/orders"), params={"limit": 1}, headers=headers or cluster.admin
    )
    assert listed.status_code == 200, listed.text
    return int(listed.headers["x-total-count"])


async def warm(http: httpx.AsyncClient, cluster: Cluster, n: int) -> None:
    """Open n kept-alive connections, half to each server."""
    probes = await asyncio.gather(*(http.get(cluster.url(i, "/health/live")) for i in range(n)))
    assert {r.status_code for r in probes} == {200}


def order_body(*pairs: tuple[str, int]) -> dict[str, Any]:
    return {"lines": [{"product_id": p, "quantity": q} for p, q in pairs]}


def problem_code(response: httpx.Response) -> str | None:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return None
    code: str | None = response.json().get("code")
    return code


def describe(responses: Sequence[httpx.Response]) -> Counter[tuple[int, str | None]]:
    return Counter((r.status_code, problem_code(r)) for r in responses)


def assert_servers_quiet(cluster: Cluster) -> None:
    """No server logged an error, a traceback, a 5xx or a storage conflict (a deadlock or
    serialisation failure that reached a client as 409 concurrent_update)."""
    assert_logs_quiet(cluster.servers)


def assert_logs_quiet(servers: Sequence[Server]) -> None:
    """assert_servers_quiet, for these servers."""
    bad: list[str] = []
    for server in servers:
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
