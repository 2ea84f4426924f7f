"""CASEWORKS_REDIS_URL picks the chat's bus and presence; /health/ready's probe for the
bus says when Redis is unreachable."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest
from pydantic import ValidationError

from adapters.memory.chat.bus import InProcessMessageBus
from adapters.memory.chat.presence import InMemoryPresence
from adapters.readiness import AllReadinessProbes
from adapters.redis.chat.bus import RedisMessageBus
from adapters.redis.chat.presence import RedisPresence
from application.shared.ports import ReadinessProbe
from entrypoints.resources import closing_chat_fanout
from entrypoints.settings import Settings
from tests.support.clock import ManualClock
from tests.support.redis import ThrowawayRedis, random_prefix


def test_redis_url_is_optional_and_must_be_a_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEWORKS_REDIS_URL", raising=False)
    assert Settings(_env_file=None).redis_url is None
    monkeypatch.setenv("CASEWORKS_REDIS_URL", "redis://127.0.0.1:6379/0")
    assert Settings(_env_file=None).redis_url == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("CASEWORKS_REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


async def test_without_redis_the_chat_runs_in_this_process(clock: ManualClock) -> None:
    async with AsyncExitStack() as resources:
        fanout = closing_chat_fanout(resources, None, clock)
        assert isinstance(fanout.bus, InProcessMessageBus)
        assert isinstance(fanout.presence, InMemoryPresence)
        await fanout.readiness.check()


async def test_with_redis_readiness_fails_while_it_is_down(clock: ManualClock) -> None:
    redis = ThrowawayRedis()
    await redis.start()
    try:
        async with AsyncExitStack() as resources:
            fanout = closing_chat_fanout(resources, redis.url, clock, random_prefix())
            assert isinstance(fanout.bus, RedisMessageBus)
            assert isinstance(fanout.presence, RedisPresence)
            await fanout.readiness.check()

            await redis.stop()
            await _until_not_ready(fanout.readiness)
            with pytest.raises(ConnectionError):
                await AllReadinessProbes(_Ready(), fanout.readiness).check()
    finally:
        await redis.stop()


class _Ready(ReadinessProbe):
    async def check(self) -> None:
        return None


async def _until_not_ready(probe: ReadinessProbe) -> None:
    for _ in range(1000):  # 10 s
        try:
            await probe.check()
        except ConnectionError:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the probe never reported Redis down")
