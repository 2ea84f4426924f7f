"""Presence contract, in memory and on Redis: distinct users per room, join/leave worth
announcing, and entries that expire unless their server renews them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from adapters.memory.chat.presence import InMemoryPresence
from adapters.redis.chat.presence import RedisPresence
from application.chat.presence import OnlineUser, Presence
from tests.support.clock import ManualClock
from tests.support.redis import client_for, random_prefix, redis_url

TTL = 30.0
ServerFactory = Callable[[], Presence]


@pytest.fixture(params=["memory", "redis"])
async def servers(
    request: pytest.FixtureRequest, clock: ManualClock
) -> AsyncIterator[ServerFactory]:
    """A factory of servers' presence sharing one store (Redis) or one process (memory)."""
    if request.param == "memory":
        shared = InMemoryPresence(clock, TTL)
        yield lambda: shared
        return
    async with redis_presence_servers(clock) as factory:
        yield factory


@pytest.fixture
async def redis_servers(clock: ManualClock) -> AsyncIterator[ServerFactory]:
    async with redis_presence_servers(clock) as factory:
        yield factory


@asynccontextmanager
async def redis_presence_servers(clock: ManualClock) -> AsyncIterator[ServerFactory]:
    """Each call a server of its own (its own live connections) on one Redis and prefix."""
    client = client_for(await redis_url())
    prefix = random_prefix()
    try:
        yield lambda: RedisPresence(client, prefix, clock, TTL)
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


ALICE = OnlineUser("u-alice", "alice")
BOB = OnlineUser("u-bob", "bob")


async def test_online_lists_distinct_users_of_the_room_by_username(servers: ServerFactory) -> None:
    presence = servers()
    assert await presence.enter("room", "c1", "u-bob", "bob") is True
    assert await presence.enter("room", "c2", "u-alice", "alice") is True
    assert await presence.enter("room", "c3", "u-alice", "alice") is False  # a second tab
    await presence.enter("elsewhere", "c4", "u-carol", "carol")
    assert await presence.online("room") == [ALICE, BOB]
    assert await presence.online("empty") == []


async def test_leave_announces_only_the_users_last_connection(servers: ServerFactory) -> None:
    presence = servers()
    await presence.enter("room", "c1", "u-alice", "alice")
    await presence.enter("room", "c2", "u-alice", "alice")
    await presence.enter("room", "c3", "u-bob", "bob")
    assert await presence.leave("room", "c1") is False
    assert await presence.online("room") == [ALICE, BOB]
    assert await presence.leave("room", "c2") is True
    assert await presence.online("room") == [BOB]
    assert await presence.leave("room", "c2") is False  # idempotent
    assert await presence.leave("room", "never-entered") is False


async def test_entries_expire_unless_refreshed(servers: ServerFactory, clock: ManualClock) -> None:
    presence = servers()
    await presence.enter("room", "c1", "u-alice", "alice")
    clock.advance(seconds=20)
    assert await presence.refresh() == 1
    clock.advance(seconds=20)  # 40 s after entering, 20 after the renewal
    assert await presence.online("room") == [ALICE]
    clock.advance(seconds=TTL)
    assert await presence.online("room") == []
    # An expired entry no longer counts: the user's next connection is a join again.
    assert await presence.enter("room", "c2", "u-alice", "alice") is True


async def test_a_crashed_servers_connections_expire_while_the_others_stay(
    redis_servers: ServerFactory, clock: ManualClock
) -> None:
    live, crashed = redis_servers(), redis_servers()
    await live.enter("room", "c1", "u-alice", "alice")
    await crashed.enter("room", "c2", "u-bob", "bob")
    assert await live.online("room") == [ALICE, BOB]
    for _ in range(4):  # only the live server renews its entries
        clock.advance(seconds=10)
        await live.refresh()
    assert await live.online("room") == [ALICE]
    assert await crashed.online("room") == [ALICE]
