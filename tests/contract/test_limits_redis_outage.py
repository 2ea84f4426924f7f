"""CASEWORKS_REDIS_URL picks where the limits count (closing_limits); while Redis is
unreachable each process counts on its own (adapters/redis/outage.py): logins are still
limited, never refused wholesale, and never wait long on a Redis that does not answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
from pydantic import ValidationError

from adapters.memory.accounts.throttle import InMemoryKnownClients, InMemoryLoginThrottle
from adapters.memory.chat.rate import InMemoryRateLimiter
from adapters.redis import outage as outage_module
from adapters.redis.accounts.fallback import FallbackKnownClients, FallbackLoginThrottle
from adapters.redis.chat.rate import FallbackRateLimiter
from entrypoints.resources import Limits, LimitSettings, closing_limits
from entrypoints.settings import Settings
from tests.support.clock import ManualClock
from tests.support.redis import ThrowawayRedis, random_prefix

NUMBERS = LimitSettings(
    login_max_failures=5, account_max_failures=20, window_seconds=900, known_client_days=14
)
SECRET = "outage-test-secret-long-enough-0123456789abcdef"


def open_limits(resources: AsyncExitStack, url: str | None, clock: ManualClock) -> Limits:
    return closing_limits(resources, url, clock, NUMBERS, random_prefix(), SECRET, timeout=0.5)


async def attempts(limits: Limits, count: int, key: str = "alice|192.0.2.7") -> list[int | None]:
    return [await limits.login_throttle.begin_attempt(key) for _ in range(count)]


@pytest.fixture
async def redis() -> AsyncIterator[ThrowawayRedis]:
    server = ThrowawayRedis()  # skips without redis-server (fails in CI)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def test_the_redis_prefix_and_timeout_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CASEWORKS_REDIS_PREFIX", "CASEWORKS_REDIS_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    defaults = Settings(_env_file=None)
    assert (defaults.redis_prefix, defaults.redis_timeout_seconds) == ("caseworks:", 1.0)
    monkeypatch.setenv("CASEWORKS_REDIS_PREFIX", "")  # no prefix: allowed
    assert Settings(_env_file=None).redis_prefix == ""
    for name, bad in [
        ("CASEWORKS_REDIS_PREFIX", "has space"),
        ("CASEWORKS_REDIS_PREFIX", "x" * 65),
        ("CASEWORKS_REDIS_TIMEOUT_SECONDS", "0"),
    ]:
        monkeypatch.setenv(name, bad)
        with pytest.raises(ValidationError):
            Settings(_env_file=None)
        monkeypatch.delenv(name)


async def test_without_redis_the_limits_count_in_this_process(clock: ManualClock) -> None:
    async with AsyncExitStack() as resources:
        limits = open_limits(resources, None, clock)
        assert isinstance(limits.login_throttle, InMemoryLoginThrottle)
        assert isinstance(limits.account_throttle, InMemoryLoginThrottle)
        assert isinstance(limits.known_clients, InMemoryKnownClients)
        assert isinstance(limits.chat_rate, InMemoryRateLimiter)


async def test_while_redis_is_down_each_process_limits_on_its_own(
    redis: ThrowawayRedis,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outage_module, "RETRY_SECONDS", 0.0)  # try Redis on every call
    async with AsyncExitStack() as resources:
        # Two processes' limits, on one Redis and one prefix.
        prefix = random_prefix()
        one, two = (
            closing_limits(resources, redis.url, clock, NUMBERS, prefix, SECRET) for _ in range(2)
        )
        assert isinstance(one.login_throttle, FallbackLoginThrottle)
        assert isinstance(one.known_clients, FallbackKnownClients)
        assert isinstance(one.chat_rate, FallbackRateLimiter)
        assert await attempts(one, 3) + await attempts(two, 2) == [None] * 5
        assert (await attempts(one, 1))[0] is not None  # shared: the 6th is refused

        await redis.stop()
        with caplog.at_level(logging.WARNING, "caseworks.redis"):
            # Counted afresh in each process: limited, not locked out.
            assert await attempts(one, 6) == [None] * 5 + [900]
            assert await attempts(two, 1) == [None]
            assert await one.chat_rate.take("u1", clock.now()) is None
            await one.known_clients.remember("alice", "192.0.2.7")
            assert await one.known_clients.knows("alice", "192.0.2.7") is True
            assert await two.known_clients.knows("alice", "192.0.2.7") is False
        down = [r for r in caplog.records if "unreachable" in r.getMessage()]
        assert len(down) == 2  # once per process and outage, not once per call

        await redis.start()  # empty: what it counted before is gone
        caplog.clear()
        with caplog.at_level(logging.WARNING, "caseworks.redis"):
            assert await attempts(two, 5, "bob|h") == [None] * 5
            assert (await attempts(one, 1, "bob|h"))[0] is not None  # shared again
        assert any("answers again" in r.getMessage() for r in caplog.records)


async def test_a_redis_that_does_not_answer_delays_a_login_by_the_timeout_only(
    clock: ManualClock,
) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accepts, reads, never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with AsyncExitStack() as resources:
            limits = open_limits(resources, f"redis://127.0.0.1:{port}/0", clock)
            async with asyncio.timeout(10):  # the test fails, rather than hangs, without it
                assert await attempts(limits, 6) == [None] * 5 + [900]
    finally:
        server.close()
