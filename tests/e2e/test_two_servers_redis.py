"""Two real `caseworks serve` processes on one PostgreSQL database and one Redis behave as
one system (issue 14): the login throttle counts across them, a logout or a role change
on one applies on the other, one chat rate limit a user; and a third server with
`--workers 2` counts across its workers. Last, Redis is killed: every server says it is
not ready (503), logins keep a limit per process (adapters/redis/outage.py), and what was
written is still read. A chat message crossing servers: test_chat_two_servers.py.

One cluster for the module, its Redis a throwaway redis-server (killed by the last test).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.chat_cluster import TIMEOUT, ChatCluster, assert_quiet, start_chat_cluster
from tests.e2e.conftest import Server, running_server
from tests.e2e.shop_cluster import PASSWORD, unique
from tests.support.redis import SyncThrowawayRedis, random_prefix

LIMIT = 5  # CASEWORKS_LOGIN_MAX_FAILURES' default
WRONG = "not the password at all"


@dataclass
class System:
    cluster: ChatCluster
    redis: SyncThrowawayRedis
    cwd: Path

    def url(self, index: int, path: str) -> str:
        return self.cluster.http(index) + path


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    redis = SyncThrowawayRedis()  # skips without redis-server (fails in CI)
    redis.start_now()
    cwd = tmp_path_factory.mktemp("two-servers-redis")
    try:
        with start_chat_cluster(
            "postgres",
            cwd,
            redis.url,
            CASEWORKS_REDIS_PREFIX=random_prefix(),
            # On a busy test machine a burst's replies can wait on the event loop past
            # the default (and the limits then fall back to each process, as they
            # should): these tests are about sharing; a dead Redis refuses at once.
            CASEWORKS_REDIS_TIMEOUT_SECONDS="5",
        ) as cluster:
            yield System(cluster, redis, cwd)
    finally:
        redis.kill_now()


@pytest.fixture(scope="module")
def workers(system: System) -> Iterator[Server]:
    """`serve --workers 2` on the same database and Redis (only for the test that needs it:
    under heavy load uvicorn may kill a worker still importing, after 5 s)."""
    with running_server(
        system.cluster.env, system.cwd, "--workers", "2", startup_timeout=60
    ) as server:
        await_both_workers(server)
        yield server


def worker_of(answer: httpx.Response) -> str:
    """Which worker answered: request ids start with a prefix of each process's own."""
    return answer.headers["x-request-id"][:12]


def await_both_workers(server: Server) -> None:
    """Ready means one worker answers; the other may still be starting (a busy machine)."""
    seen: set[str] = set()
    deadline = time.monotonic() + 90
    while len(seen) < 2:
        assert time.monotonic() < deadline, f"only the workers {seen} answered"
        with httpx.Client(timeout=5) as fresh:  # a new connection: either may accept it
            seen.add(worker_of(fresh.get(f"{server.base_url}/health/live")))
        time.sleep(0.05)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    # Up to 100 connections: a burst opens new ones, which either worker may accept.
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=limits) as client:
        yield client


async def register(http: httpx.AsyncClient, system: System) -> str:
    name = unique("user")
    body = {"username": name, "password": PASSWORD}
    registered = await http.post(system.url(0, "/register"), json=body)
    assert registered.status_code == 201, registered.text
    return name


async def login(http: httpx.AsyncClient, base_url: str, name: str, password: str) -> httpx.Response:
    return await http.post(f"{base_url}/login", json={"username": name, "password": password})


async def token_headers(http: httpx.AsyncClient, base_url: str, name: str) -> dict[str, str]:
    answer = await login(http, base_url, name, PASSWORD)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_wrong_passwords_on_both_servers_count_together(
    http: httpx.AsyncClient, system: System
) -> None:
    first, second = (server.base_url for server in system.cluster.servers)
    name = await register(http, system)
    for base_url in [first, second, first, second, first]:
        assert (await login(http, base_url, name, WRONG)).status_code == 401
    for base_url in [second, first]:
        refused = await login(http, base_url, name, PASSWORD)  # even the right one
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["retry-after"]) > 0


async def test_a_logout_on_one_server_ends_the_token_on_the_other(
    http: httpx.AsyncClient, system: System
) -> None:
    headers = await token_headers(http, system.url(0, ""), await register(http, system))
    assert (await http.get(system.url(1, "/users/me"), headers=headers)).status_code == 200
    assert (await http.post(system.url(0, "/logout"), headers=headers)).status_code == 204
    assert (await http.get(system.url(1, "/users/me"), headers=headers)).status_code == 401


async def test_a_role_change_on_one_server_applies_on_the_other(
    http: httpx.AsyncClient, system: System
) -> None:
    name = await register(http, system)
    headers = await token_headers(http, system.url(1, ""), name)
    me = await http.get(system.url(1, "/users/me"), headers=headers)
    role_url = system.url(0, f"/users/{me.json()['id']}/role")
    admin = system.cluster.admin
    assert (await http.put(role_url, json={"role": "admin"}, headers=admin)).status_code == 200
    # The same token, on the other server: an admin's list of users, then not any more.
    assert (await http.get(system.url(1, "/users"), headers=headers)).status_code == 200
    assert (await http.put(role_url, json={"role": "user"}, headers=admin)).status_code == 200
    assert (await http.get(system.url(1, "/users"), headers=headers)).status_code == 403


async def test_one_user_posting_on_both_servers_has_one_rate_limit(
    http: httpx.AsyncClient, system: System
) -> None:
    """A burst of 100 posts, half to each server. A bucket per server would take 40 and
    what refilled meanwhile in each (20 a second in all); shared, at most 20 and 10 a
    second: the bound below holds only when the servers share it."""
    headers = await token_headers(http, system.url(0, ""), await register(http, system))
    created = await http.post(
        system.url(0, "/rooms"), json={"name": unique("room")}, headers=headers
    )
    assert created.status_code == 201, created.text
    path = f"/rooms/{created.json()['id']}/messages"
    started = time.monotonic()
    answers = await asyncio.gather(
        *(
            http.post(system.url(i, path), json={"text": f"m{i}"}, headers=headers)
            for i in range(100)
        )
    )
    elapsed = time.monotonic() - started
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {201, 429}, [a.text for a in answers if a.status_code not in {201, 429}]
    assert statuses.count(201) <= 20 + 10 * elapsed + 1, (statuses.count(201), elapsed)


async def test_workers_of_one_server_count_together(
    http: httpx.AsyncClient, system: System, workers: Server
) -> None:
    """Bursts of 30 wrong passwords for one account on new connections, which the two
    workers accept in turn as they come: exactly 5 are checked, whichever worker takes
    them. The request ids (a per-process prefix) show that both workers answered."""
    workers_seen: set[str] = set()
    for _ in range(3):
        name = await register(http, system)
        answers = await asyncio.gather(
            *(login(http, workers.base_url, name, WRONG) for _ in range(30))
        )
        statuses = [answer.status_code for answer in answers]
        assert sorted(statuses) == [401] * LIMIT + [429] * (30 - LIMIT)
        workers_seen |= {worker_of(answer) for answer in answers}
        if len(workers_seen) == 2:
            return
    pytest.fail(f"the bursts reached only the workers {workers_seen}")


async def test_without_redis_servers_are_not_ready_yet_logins_and_writes_work(
    http: httpx.AsyncClient, system: System
) -> None:
    """Runs last: it kills Redis. Until then no server logged an error or a 5xx."""
    await asyncio.sleep(0.5)  # the servers log each request as its handler ends
    assert_quiet(system.cluster)
    first, second = (server.base_url for server in system.cluster.servers)
    name = await register(http, system)
    headers = await token_headers(http, first, name)
    todo = await http.post(f"{first}/todos/", json={"task": "before the outage"}, headers=headers)
    assert todo.status_code == 201, todo.text

    system.redis.kill_now()
    await until_ready_is(http, [first, second], 503)

    # Logins: the right password works; wrong ones are limited per process, from zero.
    assert (await login(http, first, name, PASSWORD)).status_code == 200
    for _ in range(LIMIT):
        assert (await login(http, first, name, WRONG)).status_code == 401
    assert (await login(http, first, name, WRONG)).status_code == 429
    assert (await login(http, second, name, WRONG)).status_code == 401  # its own count
    # What was acknowledged is there, on either server; writes go on.
    todo_path = f"/todos/{todo.json()['id']}"
    assert (await http.get(f"{second}{todo_path}", headers=headers)).status_code == 200
    during = await http.post(f"{second}/todos/", json={"task": "during"}, headers=headers)
    assert during.status_code == 201, during.text
    listed = await http.get(f"{first}/todos/", headers=headers)
    assert {t["task"] for t in listed.json()} == {"before the outage", "during"}


async def until_ready_is(http: httpx.AsyncClient, servers: list[str], status: int) -> None:
    started = time.monotonic()
    while True:
        answers = await asyncio.gather(*(http.get(f"{url}/health/ready") for url in servers))
        seen = [answer.status_code for answer in answers]
        if seen == [status] * len(servers):
            return
        assert time.monotonic() - started < 20, f"/health/ready stayed {seen}"
        await asyncio.sleep(0.1)
