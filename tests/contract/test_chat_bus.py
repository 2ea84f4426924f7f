"""MessageBus contract, on the in-process bus and on Redis: exactly the failures measured
on encode/broadcaster (issue 13) — readers joining at the same moment, a room that
empties and fills again, a reader that never reads.

On Redis the events come from a second bus (another "server"), so they really travel
through Redis: a bus hands its own events to its readers directly."""

from __future__ import annotations

import asyncio
import functools
import random
import tracemalloc
from collections.abc import AsyncIterator

import pytest

from adapters.memory.chat.bus import InProcessMessageBus
from adapters.redis.chat.bus import RedisMessageBus
from application.chat.bus import ChatEvent, MessageBus, Subscription
from tests.contract.chat_bus_support import Counter, Inbox, eventually, frame
from tests.support.redis import client_for, random_prefix, redis_url

Servers = tuple[MessageBus, MessageBus]


@pytest.fixture(params=["memory", "redis"])
async def servers(request: pytest.FixtureRequest) -> AsyncIterator[Servers]:
    """(the readers' bus, the publishers' bus): one bus in memory, two servers on Redis."""
    if request.param == "memory":
        bus = InProcessMessageBus()
        yield bus, bus
        await bus.close()
        return
    url = await redis_url()
    prefix = random_prefix()
    readers, publishers = (RedisMessageBus(client_for(url), prefix) for _ in range(2))
    yield readers, publishers
    await asyncio.gather(readers.close(), publishers.close())


async def publish_numbers(bus: MessageBus, room: str, count: int, sender: str = "a") -> None:
    for n in range(count):
        await bus.publish(ChatEvent(room, frame(n, sender)))


async def test_a_hundred_readers_joining_at_once_all_receive_everything(
    servers: Servers,
) -> None:
    readers_bus, publishers_bus = servers
    for run in range(10):
        room = f"crowd-{run}"
        inboxes = [Inbox() for _ in range(100)]
        subscriptions = await asyncio.gather(
            *(readers_bus.subscribe(room, inbox) for inbox in inboxes)
        )
        await publish_numbers(publishers_bus, room, 20)
        await eventually(functools.partial(_all_have, inboxes, 20))
        missing = [i for i, inbox in enumerate(inboxes) if inbox.numbers() != list(range(20))]
        assert missing == [], f"run {run}: readers {missing} did not get all 20 in order"
        await asyncio.gather(*(subscription.close() for subscription in subscriptions))


async def test_a_room_that_empties_and_fills_again_delivers_to_its_new_reader(
    servers: Servers,
) -> None:
    readers_bus, publishers_bus = servers
    first = Inbox()
    subscription = await readers_bus.subscribe("lobby", first)
    await publish_numbers(publishers_bus, "lobby", 1)
    await eventually(lambda: len(first.frames) == 1)
    await subscription.close()

    second = Counter()
    await readers_bus.subscribe("lobby", second)
    await publish_numbers(publishers_bus, "lobby", 2000)
    await eventually(lambda: second.count >= 2000)
    assert (second.count, second.out_of_order) == (2000, 0)
    assert len(first.frames) == 1  # a closed subscription gets nothing more


async def test_joins_and_leaves_interleaved_at_random_leave_every_reader_served(
    servers: Servers,
) -> None:
    readers_bus, publishers_bus = servers
    rng = random.Random(13)
    rooms = [f"churn-{i}" for i in range(5)]
    live = {room: [await readers_bus.subscribe(room, Inbox())] for room in rooms}
    for _ in range(30):
        operations = []
        for room in rooms:
            if live[room] and rng.random() < 0.6:
                operations.append(live[room].pop().close())
            if rng.random() < 0.6:
                operations.append(_join(readers_bus, room, live[room]))
        rng.shuffle(operations)
        await asyncio.gather(*operations)
    final = {room: Inbox() for room in rooms}
    for room, inbox in final.items():
        await readers_bus.subscribe(room, inbox)
    for room in rooms:
        await publish_numbers(publishers_bus, room, 50)
    await eventually(lambda: all(len(inbox.frames) >= 50 for inbox in final.values()))
    assert {room: inbox.numbers() for room, inbox in final.items()} == {
        room: list(range(50)) for room in rooms
    }


def _all_have(inboxes: list[Inbox], count: int) -> bool:
    return all(len(inbox.frames) >= count for inbox in inboxes)


async def _join(bus: MessageBus, room: str, live: list[Subscription]) -> None:
    live.append(await bus.subscribe(room, Inbox()))


async def test_a_reader_that_never_reads_costs_no_memory_and_delays_no_one(
    servers: Servers,
) -> None:
    readers_bus, publishers_bus = servers
    stalled: asyncio.Queue[ChatEvent] = asyncio.Queue(maxsize=8)
    dropped = 0

    def stalled_reader(event: ChatEvent) -> None:
        # What a connection does: its own bounded queue; full means it falls behind.
        nonlocal dropped
        try:
            stalled.put_nowait(event)
        except asyncio.QueueFull:
            dropped += 1

    others = [Counter() for _ in range(10)]
    await readers_bus.subscribe("busy", stalled_reader)
    for other in others:
        await readers_bus.subscribe("busy", other)
    text = "x" * 1000
    await _publish_texts(publishers_bus, 100, text)  # warm up connections and caches
    await eventually(lambda: all(other.count >= 100 for other in others))

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        await _publish_texts(publishers_bus, 2000, text, first=100)
        await eventually(lambda: all(other.count >= 2100 for other in others))
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert [(o.count, o.out_of_order) for o in others] == [(2100, 0)] * 10
    assert stalled.qsize() == 8
    assert dropped == 2092
    # 2,000 events of 1 KB held for the stalled reader would be over 2 MB.
    assert grown < 512 * 1024, f"the bus grew by {grown} bytes"


async def _publish_texts(bus: MessageBus, count: int, text: str, first: int = 0) -> None:
    for n in range(first, first + count):
        await bus.publish(ChatEvent("busy", frame(n, text=text)))


async def test_a_reader_that_raises_spoils_no_other(servers: Servers) -> None:
    readers_bus, publishers_bus = servers

    def broken(event: ChatEvent) -> None:
        raise RuntimeError("a bug in one connection")

    inbox = Inbox()
    await readers_bus.subscribe("room", broken)
    await readers_bus.subscribe("room", inbox)
    await publish_numbers(publishers_bus, "room", 3)
    await eventually(lambda: len(inbox.frames) == 3)
    assert inbox.numbers() == [0, 1, 2]


async def test_a_bus_delivers_its_own_events_to_its_readers_once(servers: Servers) -> None:
    bus, _ = servers
    inbox = Inbox()
    subscription = await bus.subscribe("echo", inbox)
    await publish_numbers(bus, "echo", 5)
    assert inbox.numbers() == [0, 1, 2, 3, 4]  # at publish time, not via Redis
    await asyncio.sleep(0.2)  # the copy coming back from Redis would arrive by now
    assert inbox.numbers() == [0, 1, 2, 3, 4]
    await subscription.close()
    await subscription.close()  # idempotent
    await publish_numbers(bus, "echo", 1)
    assert len(inbox.frames) == 5
    assert await bus.healthy()


async def test_one_callback_subscribed_twice_is_two_subscriptions(servers: Servers) -> None:
    readers_bus, publishers_bus = servers
    inbox = Inbox()
    first = await readers_bus.subscribe("twice", inbox)
    await readers_bus.subscribe("twice", inbox)
    await publish_numbers(publishers_bus, "twice", 1)
    await eventually(lambda: len(inbox.frames) == 2)
    await first.close()
    await publish_numbers(publishers_bus, "twice", 1)
    await eventually(lambda: len(inbox.frames) == 3)
    assert inbox.numbers() == [0, 0, 0]
