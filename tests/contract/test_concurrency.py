"""Racing units of work: read-check-write must serialise on every adapter.

Each task opens its own unit of work, as every use-case call does. A short sleep between the
read and the write widens the window in which an unserialised adapter would interleave.
"""

from __future__ import annotations

import asyncio

from domain.accounts.errors import UsernameTaken
from tests.contract.builders import (
    add_todos,
    add_users,
    at,
    new_session,
    new_todo,
    new_token,
    new_user,
)
from tests.support.storage import Uows

RACERS = 40
INCREMENTS = 30
ROTATIONS = 20


async def test_racing_registrations_of_one_canonical_name(uows: Uows) -> None:
    async def register(i: int) -> str:
        spelling = "Racer" if i % 2 else "rACER"  # two spellings, one canonical name
        async with uows.accounts().write() as uow:
            if await uow.users.get_by_username("racer") is not None:
                raise UsernameTaken("taken at the check")
            await asyncio.sleep(0.001)
            await uow.users.add(new_user(spelling, user_id=f"u-{i}"))
            await uow.commit()
        return f"u-{i}"

    results = await asyncio.gather(*(register(i) for i in range(RACERS)), return_exceptions=True)

    winners = [r for r in results if isinstance(r, str)]
    unexpected = [r for r in results if not isinstance(r, str | UsernameTaken)]
    assert unexpected == []  # e.g. no "database is locked", no raw IntegrityError
    assert len(winners) == 1
    async with uows.accounts().write() as uow:
        stored = await uow.users.get_by_username("racer")
        _, total = await uow.users.list(limit=100, offset=0)
    assert stored is not None
    assert stored.id == winners[0]
    assert total == 1


async def test_racing_increments_lose_no_update(uows: Uows) -> None:
    await add_users(uows, new_user("alice"))
    await add_todos(uows, new_todo("t-1", "u-alice", "count", order=0))

    async def increment(i: int) -> None:
        async with uows.todos().write() as uow:
            todo = await uow.todos.get_for_update("u-alice", "t-1")
            assert todo is not None
            assert todo.order is not None
            await asyncio.sleep(0.001)
            todo.change(at(i), order=todo.order + 1)
            await uow.todos.save(todo)
            await uow.commit()

    results = await asyncio.gather(
        *(increment(i) for i in range(INCREMENTS)), return_exceptions=True
    )

    assert [r for r in results if r is not None] == []
    async with uows.todos().write() as uow:
        todo = await uow.todos.get("u-alice", "t-1")
    assert todo is not None
    assert todo.order == INCREMENTS


async def test_racing_rotations_of_one_refresh_token(uows: Uows) -> None:
    await add_users(uows, new_user("alice"))
    async with uows.accounts().write() as uow:
        await uow.sessions.add(new_session("s-1", "u-alice"))
        await uow.sessions.add_token(new_token("h" * 64, "s-1"))
        await uow.commit()

    async def rotate(i: int) -> bool:
        async with uows.accounts().write() as uow:
            token = await uow.sessions.get_token_for_update("h" * 64)
            assert token is not None
            if token.was_rotated:
                return False
            await asyncio.sleep(0.001)
            await uow.sessions.mark_token_used(token.token_hash, at(i))
            await uow.commit()
            return True

    results = await asyncio.gather(*(rotate(i) for i in range(ROTATIONS)), return_exceptions=True)

    assert [r for r in results if not isinstance(r, bool)] == []
    assert results.count(True) == 1
