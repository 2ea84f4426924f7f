"""The Redis bus between servers: two buses on one Redis (two "servers"), and Redis
lost and back (a redis-server of the test's own, stopped and started again)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.redis.chat.bus import RedisMessageBus
from application.chat.bus import BusUnavailable, ChatEvent
from tests.contract.chat_bus_support import Inbox, eventually, frame
from tests.support.redis import ThrowawayRedis, client_for, random_prefix, redis_url
from tests.support.slow_proxy import slow_upstream_proxy


def fast_recovering_bus(url: str, prefix: str) -> RedisMessageBus:
    return RedisMessageBus(client_for(url), prefix, backoff=(0.05, 0.2), ping_interval=0.5)


async def until_healthy(bus: RedisMessageBus, expected: bool) -> None:
    for _ in range(1000):  # 10 s
        if await bus.healthy() == expected:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"healthy() stayed {not expected}")


@pytest.fixture
async def throwaway_redis() -> AsyncIterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    await server.start()
    yield server
    await server.stop()


async def test_two_servers_each_get_the_others_events_in_publish_order() -> None:
    url = await redis_url()
    prefix = random_prefix()
    first, second = (RedisMessageBus(client_for(url), prefix) for _ in range(2))
    try:
        inboxes = Inbox(), Inbox()
        await first.subscribe("room", inboxes[0])
        await second.subscribe("room", inboxes[1])

        async def publish(bus: RedisMessageBus, sender: str) -> None:
            for n in range(300):
                await bus.publish(ChatEvent("room", frame(n, sender)))

        await asyncio.gather(publish(first, "first"), publish(second, "second"))
        await eventually(lambda: all(len(inbox.frames) >= 600 for inbox in inboxes))
        for inbox in inboxes:
            assert len(inbox.frames) == 600
            assert inbox.numbers("first") == list(range(300))
            assert inbox.numbers("second") == list(range(300))
    finally:
        await asyncio.gather(first.close(), second.close())


async def test_redis_lost_then_back_local_readers_served_then_resynced(
    throwaway_redis: ThrowawayRedis,
) -> None:
    prefix = random_prefix()
    here, there = (fast_recovering_bus(throwaway_redis.url, prefix) for _ in range(2))
    try:
        inbox = Inbox()
        await here.subscribe("room", inbox, inbox.resynced)
        await there.publish(ChatEvent("room", frame(0, "there")))
        await eventually(lambda: len(inbox.frames) == 1)

        await throwaway_redis.stop()
        with pytest.raises(BusUnavailable):
            await here.publish(ChatEvent("room", frame(0, "here")))
        assert inbox.numbers("here") == [0]  # this server's readers still get it
        await until_healthy(here, False)  # the reader task noticed
        with pytest.raises(BusUnavailable):
            await here.publish(ChatEvent("room", frame(1, "here")))
        assert inbox.numbers("here") == [0, 1]
        assert inbox.resyncs == 0

        await throwaway_redis.start()
        await eventually(lambda: inbox.resyncs == 1)
        assert await here.healthy()
        await until_healthy(there, True)
        await there.publish(ChatEvent("room", frame(1, "there")))
        await eventually(lambda: len(inbox.numbers("there")) == 2)
        assert inbox.numbers("there") == [0, 1]
        assert inbox.resyncs == 1
    finally:
        await asyncio.gather(here.close(), there.close())


async def test_a_bus_started_with_redis_down_serves_locally_and_resyncs_when_it_comes(
    throwaway_redis: ThrowawayRedis,
) -> None:
    await throwaway_redis.stop()
    bus = fast_recovering_bus(throwaway_redis.url, random_prefix())
    try:
        assert not await bus.healthy()
        inbox = Inbox()
        await bus.subscribe("room", inbox, inbox.resynced)  # returns: waiting would not help
        with pytest.raises(BusUnavailable):
            await bus.publish(ChatEvent("room", frame(0)))
        assert inbox.numbers() == [0]
        await throwaway_redis.start()
        await eventually(lambda: inbox.resyncs == 1)
        assert await bus.healthy()
        await bus.publish(ChatEvent("room", frame(1)))
        assert inbox.numbers() == [0, 1]
    finally:
        await bus.close()


async def test_subscribe_returns_only_once_redis_confirmed_the_room() -> None:
    url = await redis_url()
    target = client_for(url).connection_pool.connection_kwargs
    prefix = random_prefix()
    async with slow_upstream_proxy(target["host"], target["port"], delay=0.3) as port:
        db = target.get("db", 0)
        slow_reader = RedisMessageBus(client_for(f"redis://127.0.0.1:{port}/{db}"), prefix)
        publisher = RedisMessageBus(client_for(url), prefix)
        try:
            await slow_reader.healthy()  # connected (the proxy also delays the handshake)
            inbox = Inbox()
            await slow_reader.subscribe("room", inbox)
            # Sent at once on a fast connection: lost if the SUBSCRIBE were still on its way.
            await publisher.publish(ChatEvent("room", frame(0)))
            await eventually(lambda: len(inbox.frames) == 1, within=3)
        finally:
            await asyncio.gather(slow_reader.close(), publisher.close())


async def test_a_room_refilled_while_its_unsubscribe_is_on_the_way_is_subscribed_again() -> None:
    url = await redis_url()
    target = client_for(url).connection_pool.connection_kwargs
    prefix = random_prefix()
    async with slow_upstream_proxy(target["host"], target["port"], delay=0.2) as port:
        db = target.get("db", 0)
        slow_reader = RedisMessageBus(client_for(f"redis://127.0.0.1:{port}/{db}"), prefix)
        publisher = RedisMessageBus(client_for(url), prefix)
        try:
            leaving, joining = Inbox(), Inbox()
            subscription = await slow_reader.subscribe("room", leaving)
            # The last reader leaves while the next joins: UNSUBSCRIBE then SUBSCRIBE.
            await asyncio.gather(subscription.close(), slow_reader.subscribe("room", joining))
            await publisher.publish(ChatEvent("room", frame(0)))
            await eventually(lambda: len(joining.frames) == 1, within=3)
            assert leaving.frames == []
        finally:
            await asyncio.gather(slow_reader.close(), publisher.close())
