"""Real `caseworks serve` processes for the chat's end-to-end tests: one or two servers on
one database (a shared SQLite file, or a scratch PostgreSQL database) and, when given, one
Redis; users signed up over HTTP; rooms created over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx

from tests.e2e.conftest import Server, run_cli, running_server
from tests.e2e.shop_cluster import PASSWORD, assert_servers_quiet, cluster_env, unique
from tests.support.redis import redis_url
from tests.support.storage import postgres_url, scratch_postgres_database

TIMEOUT = httpx.Timeout(30.0)


@dataclass
class User:
    id: str
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class ChatCluster:
    env: dict[str, str]
    servers: tuple[Server, ...]
    admin: dict[str, str]

    def http(self, index: int) -> str:
        return self.servers[index % len(self.servers)].base_url

    def ws(self, index: int, path: str) -> str:
        return "ws" + self.http(index).removeprefix("http") + path


def chat_redis_url() -> str:
    """CASEWORKS_TEST_REDIS_URL (skip without it, fail in CI) on a database number of this
    run's own: the settings have no key prefix, and the rooms' ids (uuid4) keep pub/sub
    channels, which Redis shares across database numbers, apart."""
    url = asyncio.run(redis_url())
    base, _, _ = url.rpartition("/")
    return f"{base}/{random.randint(1, 15)}" if base.count("/") >= 2 else url


@contextlib.contextmanager
def start_chat_cluster(
    backend: str, cwd: Path, redis: str | None, servers: int = 2, **settings: str
) -> Iterator[ChatCluster]:
    """`servers` servers on one database of `backend`, sharing `redis` (when given);
    `settings` are extra CASEWORKS_* variables (e.g. CASEWORKS_WS_PING_SECONDS="1")."""
    with contextlib.ExitStack() as stack:
        if backend == "postgres":
            url = stack.enter_context(scratch_postgres_database(postgres_url(), migrate=False))
        else:
            url = f"sqlite+aiosqlite:///{cwd / 'chat.db'}"
        env = cluster_env(url) | settings
        if redis is not None:
            env["CASEWORKS_REDIS_URL"] = redis
        if backend == "postgres":
            migrated = run_cli(["db", "upgrade"], env, cwd)
            assert migrated.returncode == 0, migrated.stderr
        # One after the other: on SQLite the first migrates the file and creates the admin.
        running = tuple(stack.enter_context(running_server(env, cwd)) for _ in range(servers))
        login = httpx.post(
            f"{running[0].base_url}/login",
            json={"username": env["CASEWORKS_ADMIN_USERNAME"], "password": PASSWORD},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        yield ChatCluster(env, running, admin)


async def sign_up(http: httpx.AsyncClient, cluster: ChatCluster, n: int) -> list[User]:
    """n new users, each registered and logged in on server i % servers."""

    async def one(i: int) -> User:
        name = unique("chatter")
        body = {"username": name, "password": PASSWORD}
        registered = await http.post(f"{cluster.http(i)}/register", json=body)
        assert registered.status_code == 201, registered.text
        login = await http.post(f"{cluster.http(i)}/login", json=body)
        assert login.status_code == 200, login.text
        return User(registered.json()["id"], name, login.json()["access_token"])

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def new_room(http: httpx.AsyncClient, cluster: ChatCluster) -> str:
    """A fresh public room (a uuid4 id: its Redis channel is this test's own)."""
    created = await http.post(
        f"{cluster.http(0)}/rooms", json={"name": unique("room")}, headers=cluster.admin
    )
    assert created.status_code == 201, created.text
    room_id: str = created.json()["id"]
    return room_id


async def stored_ids(
    http: httpx.AsyncClient, cluster: ChatCluster, index: int, room: str
) -> list[int]:
    """Every stored message id of the room, as server `index` pages them."""
    ids: list[int] = []
    while True:
        page = await http.get(
            f"{cluster.http(index)}/rooms/{room}/messages",
            params={"after": ids[-1] if ids else 0, "limit": 100},
            headers=cluster.admin,
        )
        assert page.status_code == 200, page.text
        items = page.json()["items"]
        if not items:
            return ids
        ids += [item["id"] for item in items]


def assert_quiet(cluster: ChatCluster) -> None:
    """No server logged an error, a traceback or a 5xx (the shop's check: it reads only
    the servers' logs); a socket's access line is 101 or 403."""
    assert_servers_quiet(cast(Any, cluster))
