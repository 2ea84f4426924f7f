"""PostMessage under races, through the real use case on memory, SQLite and PostgreSQL, and
across several containers (server processes) on one SQLite file and one PostgreSQL
database: concurrent posts in one room get ids 1..n with no gap and no duplicate, and one
client_id posted concurrently stores one message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import pytest

from adapters.memory.chat.bus import InProcessMessageBus
from adapters.memory.chat.rate import InMemoryRateLimiter
from application.chat.dto import PostedMessage
from application.chat.ports import ChatUnitOfWork
from application.chat.use_cases.messages import PostMessage
from application.shared.actor import Actor
from domain.chat.rooms import GENERAL_ID, Membership
from domain.shared.roles import Role
from entrypoints.container import Container
from tests.contract.builders import T0, add_users, new_user
from tests.contract.conftest import OpenProcesses
from tests.support.chat import RecordingBus
from tests.support.clock import ManualClock
from tests.support.storage import Uows, storage_container

ChatUows = Callable[[], ChatUnitOfWork]
ALICE = Actor("u-alice", Role.USER, "s-alice")
RACERS = 20
PROCESSES = 4


async def _seed(uows: Uows) -> None:
    await add_users(uows, new_user("alice"))
    async with uows.chat().write() as uow:
        await uow.members.add(Membership(GENERAL_ID, ALICE.user_id, T0))
        await uow.commit()


async def _race(
    uows: Sequence[ChatUows], bus: RecordingBus, client_id: str | None, racers: int
) -> list[PostedMessage]:
    clock = ManualClock(T0)

    async def one(i: int) -> PostedMessage:
        # A limiter each: the race is the storage's, not the rate's.
        post = PostMessage(uows[i % len(uows)](), clock, bus, InMemoryRateLimiter())
        return await post.execute(ALICE, GENERAL_ID, f"message {i}", client_id)

    return await asyncio.gather(*(one(i) for i in range(racers)))


async def _stored_ids(uows: ChatUows) -> list[int]:
    async with uows().read() as uow:
        return [m.id for m in await uow.messages.page(GENERAL_ID, None, None, 100)]


async def test_concurrent_posts_get_every_id_once(uows: Uows) -> None:
    await _seed(uows)
    bus = RecordingBus()
    posted = await _race([uows.chat], bus, None, RACERS)
    assert sorted(p.message.id for p in posted) == list(range(1, RACERS + 1))
    assert await _stored_ids(uows.chat) == list(range(1, RACERS + 1))
    assert sorted(int(e.frame["id"]) for e in bus.published) == list(range(1, RACERS + 1))


async def test_one_client_id_posted_concurrently_is_one_message(uows: Uows) -> None:
    await _seed(uows)
    bus = RecordingBus()
    posted = await _race([uows.chat], bus, "same", 10)
    assert sum(p.created for p in posted) == 1
    assert {p.message.id for p in posted} == {1}
    assert await _stored_ids(uows.chat) == [1]
    assert len(bus.published) == 1


@pytest.fixture
async def processes(open_processes: OpenProcesses) -> AsyncIterator[list[Container]]:
    """One container per server process, all on one database (tests/contract/conftest.py)."""
    async with open_processes(PROCESSES, pool_size=5) as containers:
        yield containers


async def test_posts_across_processes_get_every_id_once(processes: list[Container]) -> None:
    await _seed(Uows.of(processes[0]))
    units = [container.chat.uow for container in processes]
    posted = await _race(units, RecordingBus(), None, RACERS)
    again = await _race(units, RecordingBus(), "resent", 10)
    assert sorted(p.message.id for p in posted) == list(range(1, RACERS + 1))
    assert sum(p.created for p in again) == 1
    assert {p.message.id for p in again} == {RACERS + 1}
    assert await _stored_ids(units[0]) == list(range(1, RACERS + 2))


def test_the_app_container_has_one_in_process_bus() -> None:
    container = storage_container("memory")
    assert isinstance(container.chat.bus(), InProcessMessageBus)
    assert container.chat.bus() is container.chat_fanout().bus
