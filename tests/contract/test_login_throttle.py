"""The login throttle and the known clients, in memory and on Redis: the same sliding
window and the same answers; on Redis shared by every server, atomic under a burst, and
keeping neither usernames nor addresses in clear."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from adapters.memory.accounts.throttle import InMemoryKnownClients, InMemoryLoginThrottle
from adapters.redis.accounts.throttle import RedisKnownClients, RedisLoginThrottle
from application.accounts.ports import KnownClients, LoginThrottle
from tests.contract.limits_support import SharedRedis, shared_redis
from tests.support.clock import ManualClock

# A new server's throttle (5 in 15 minutes) or known clients (14 days), on one store.
Throttles = Callable[[], LoginThrottle]
Known = Callable[[], KnownClients]


@pytest.fixture
async def redis() -> AsyncIterator[SharedRedis]:
    async with shared_redis() as shared:
        yield shared


@pytest.fixture(params=["memory", "redis"])
def throttles(request: pytest.FixtureRequest, clock: ManualClock) -> Throttles:
    if request.param == "memory":
        one = InMemoryLoginThrottle(clock, max_failures=5, window_seconds=900)
        return lambda: one
    redis: SharedRedis = request.getfixturevalue("redis")
    return lambda: RedisLoginThrottle(redis.client(), redis.keys, "login", clock, 5, 900)


@pytest.fixture(params=["memory", "redis"])
def known(request: pytest.FixtureRequest, clock: ManualClock) -> Known:
    if request.param == "memory":
        one = InMemoryKnownClients(clock, days=14)
        return lambda: one
    redis: SharedRedis = request.getfixturevalue("redis")
    return lambda: RedisKnownClients(redis.client(), redis.keys, clock, days=14)


async def test_the_sixth_attempt_in_the_window_is_blocked(
    throttles: Throttles, clock: ManualClock
) -> None:
    throttle = throttles()
    assert [await throttle.begin_attempt("alice|h") for _ in range(5)] == [None] * 5
    assert await throttle.begin_attempt("alice|h") == 900
    clock.advance(minutes=10)
    assert await throttle.begin_attempt("alice|h") == 300  # blocked: counted nothing
    clock.advance(minutes=5, seconds=1)
    assert await throttle.begin_attempt("alice|h") is None
    assert await throttle.begin_attempt("bob|h") is None  # keys apart


async def test_the_window_slides_one_attempt_at_a_time(
    throttles: Throttles, clock: ManualClock
) -> None:
    throttle = throttles()
    for _ in range(5):
        assert await throttle.begin_attempt("k") is None
        clock.advance(minutes=1)
    clock.advance(minutes=10, seconds=1)  # the first attempt has left the window
    assert await throttle.begin_attempt("k") is None
    assert await throttle.begin_attempt("k") == 59  # the second leaves in 59 s


async def test_reset_forgets_the_count(throttles: Throttles) -> None:
    throttle = throttles()
    for _ in range(5):
        await throttle.begin_attempt("k")
    await throttle.reset("k")
    assert await throttle.begin_attempt("k") is None


async def test_attempts_on_two_servers_count_together(throttles: Throttles) -> None:
    first, second = throttles(), throttles()
    for throttle in [first, second, first, second, first]:
        assert await throttle.begin_attempt("alice|h") is None
    assert await second.begin_attempt("alice|h") is not None
    assert await first.begin_attempt("alice|h") is not None
    await second.reset("alice|h")  # a success on one server clears it on the other
    assert await first.begin_attempt("alice|h") is None


async def test_a_burst_of_parallel_attempts_lets_exactly_the_limit_through(
    throttles: Throttles,
) -> None:
    servers = [throttles() for _ in range(4)]
    answers = await asyncio.gather(*(servers[i % 4].begin_attempt("k") for i in range(40)))
    assert answers.count(None) == 5


async def test_redis_keeps_hashed_keys_that_expire_with_the_window(
    redis: SharedRedis, clock: ManualClock
) -> None:
    client = redis.client()
    throttle = RedisLoginThrottle(client, redis.keys, "login", clock, 5, 900)
    other = RedisLoginThrottle(client, redis.keys, "account", clock, 1, 900)
    await throttle.begin_attempt("alice|192.0.2.7")
    assert await other.begin_attempt("alice|192.0.2.7") is None  # kinds never share a key
    stored = await redis.stored_keys()
    assert len(stored) == 2
    assert not any("alice" in key or "192.0.2.7" in key for key in stored)
    for key in stored:
        assert 0 < await redis.inspect.pttl(key) <= 900_000


async def test_a_client_is_known_after_a_login_for_as_long_as_a_login_lasts(
    known: Known, clock: ManualClock
) -> None:
    first, second = known(), known()
    assert await second.knows("alice", "192.0.2.7") is False
    await first.remember("alice", "192.0.2.7")
    assert await second.knows("alice", "192.0.2.7") is True  # on any server
    assert await second.knows("alice", "192.0.2.8") is False
    assert await second.knows("bob", "192.0.2.7") is False
    clock.advance(days=13)
    await first.remember("alice", "192.0.2.7")  # known again: 14 more days
    clock.advance(days=13)
    assert await second.knows("alice", "192.0.2.7") is True
    clock.advance(days=1, seconds=1)
    assert await second.knows("alice", "192.0.2.7") is False


async def test_redis_keeps_known_clients_hashed_and_expiring(
    redis: SharedRedis, clock: ManualClock
) -> None:
    await RedisKnownClients(redis.client(), redis.keys, clock, days=14).remember("alice", "h1")
    [key] = await redis.stored_keys()
    assert "alice" not in key
    assert "h1" not in key
    assert 13 * 86_400_000 < await redis.inspect.pttl(key) <= 14 * 86_400_000
