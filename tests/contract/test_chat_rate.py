"""The chat's rate limit (10 messages a second, bursts of 20 a user), in memory and on
Redis: the same token bucket; on Redis one bucket per user across every server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from adapters.memory.chat.rate import InMemoryRateLimiter
from adapters.redis.chat.rate import RedisRateLimiter
from application.chat.ports import RateLimiter
from tests.contract.limits_support import SharedRedis, shared_redis
from tests.support.clock import ManualClock

Limiters = Callable[[], RateLimiter]


@pytest.fixture
async def redis() -> AsyncIterator[SharedRedis]:
    async with shared_redis() as shared:
        yield shared


@pytest.fixture(params=["memory", "redis"])
def limiters(request: pytest.FixtureRequest) -> Limiters:
    if request.param == "memory":
        one = InMemoryRateLimiter(rate=10, burst=20)
        return lambda: one
    redis: SharedRedis = request.getfixturevalue("redis")
    return lambda: RedisRateLimiter(redis.client(), redis.keys, rate=10, burst=20)


async def test_a_burst_then_one_message_a_tenth_of_a_second(
    limiters: Limiters, clock: ManualClock
) -> None:
    limiter = limiters()
    now = clock.now()
    assert [await limiter.take("u1", now) for _ in range(20)] == [None] * 20
    wait = await limiter.take("u1", now)
    assert wait == pytest.approx(0.1)
    assert await limiter.take("u2", now) is None  # users apart
    clock.advance(seconds=0.1)
    assert await limiter.take("u1", clock.now()) is None
    assert await limiter.take("u1", clock.now()) == pytest.approx(0.1)
    clock.advance(seconds=60)  # full again, never more than the burst
    answers = [await limiter.take("u1", clock.now()) for _ in range(21)]
    assert answers.count(None) == 20


async def test_one_user_on_two_servers_has_one_allowance(
    limiters: Limiters, clock: ManualClock
) -> None:
    servers = [limiters(), limiters()]
    now = clock.now()
    answers = await asyncio.gather(*(servers[i % 2].take("u1", now) for i in range(30)))
    assert answers.count(None) == 20


async def test_a_server_whose_clock_is_behind_gives_no_tokens_back(
    limiters: Limiters, clock: ManualClock
) -> None:
    ahead, behind = limiters(), limiters()
    for _ in range(20):
        await ahead.take("u1", clock.now())
    past = clock.now()
    clock.advance(seconds=0.05)
    assert await ahead.take("u1", clock.now()) is not None
    assert await behind.take("u1", past) is not None  # not a refill from the past


async def test_redis_buckets_are_hashed_and_expire_once_full_again(
    redis: SharedRedis, clock: ManualClock
) -> None:
    await RedisRateLimiter(redis.client(), redis.keys).take("user-42", clock.now())
    [key] = await redis.stored_keys()
    assert "user-42" not in key
    assert 0 < await redis.inspect.pttl(key) <= 3000
