"""SQLite across worker processes: no in-process write gate, only BEGIN IMMEDIATE.

Each container here stands for one `caseworks serve --workers N` process on the same file,
so the asyncio write gate of one process does not order the others' writers.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from entrypoints.container import close_resources
from tests.contract.builders import add_todos, add_users, new_todo, new_user
from tests.support.storage import Uows, sqlite_copy, storage_container

PROCESSES = 4
INCREMENTS_EACH = 10


async def test_writers_of_separate_engines_lose_no_update(
    sqlite_template: Path, tmp_path: Path
) -> None:
    url = sqlite_copy(sqlite_template, tmp_path)
    processes = [storage_container("sqlite", url) for _ in range(PROCESSES)]
    try:
        first = Uows.of(processes[0])
        await add_users(first, new_user("alice"))
        await add_todos(first, new_todo("t-1", "u-alice", "count", order=0))

        async def increment(process: int) -> None:
            async with processes[process].todos.uow().write() as uow:
                todo = await uow.todos.get_for_update("u-alice", "t-1")
                assert todo is not None
                assert todo.order is not None
                await asyncio.sleep(0.001)  # widen the read-to-write window
                todo.order += 1
                await uow.todos.save(todo)
                await uow.commit()

        racers = [increment(i % PROCESSES) for i in range(PROCESSES * INCREMENTS_EACH)]
        results = await asyncio.gather(*racers, return_exceptions=True)

        assert [r for r in results if r is not None] == []  # no "database is locked"
        async with first.todos().read() as uow:
            final = await uow.todos.get("u-alice", "t-1")
        assert final is not None
        assert final.order == PROCESSES * INCREMENTS_EACH
    finally:
        for container in processes:
            await close_resources(container)
