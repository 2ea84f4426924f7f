"""The reads of one request share one read transaction (adapters/sql/reads.py), on SQLite
and PostgreSQL: one open for several read units of work, none of a write's changes
missed, and a failed read never poisons the rest of the request."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from application.shared.ports import ReadOnlyTransaction
from entrypoints.container import Container, close_resources
from tests.contract.builders import add_users, new_todo, new_user
from tests.support.storage import Uows, sqlite_copy, storage_container, truncate_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    """Sync on purpose: preparing PostgreSQL runs its own loop."""
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres_database")
    return "sqlite", None


@pytest.fixture
async def container(
    database: tuple[str, str | None], sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[Container]:
    kind, url = database
    if url is not None:
        made = storage_container(kind, url)
        await truncate_postgres(made.engine())
    else:
        made = storage_container("sqlite", sqlite_copy(sqlite_template, tmp_path))
    yield made
    await close_resources(made)


@contextlib.asynccontextmanager
async def shared_reads(container: Container) -> AsyncIterator[None]:
    """A request whose session is checked, as the HTTP edge makes it."""
    async with container.request_reads().scope():
        container.request_reads().share()
        yield


def count_opens(container: Container, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    reads = container.request_reads()._reads
    opened = [0]
    original = reads.open

    async def counting() -> Any:
        opened[0] += 1
        return await original()

    monkeypatch.setattr(reads, "open", counting)
    return opened


async def todo_task(uows: Uows, todo_id: str) -> str | None:
    async with uows.todos().read() as uow:
        todo = await uow.todos.get("u-alice", todo_id)
    return todo.task if todo else None


async def test_reads_in_one_request_share_one_transaction(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    uows = Uows.of(container)
    await add_users(uows, new_user("alice"))
    opened = count_opens(container, monkeypatch)

    async with shared_reads(container):
        async with uows.accounts().read() as uow:
            assert await uow.users.get("u-alice") is not None
        assert await todo_task(uows, "t-1") is None
    assert opened == [1]

    assert await todo_task(uows, "t-1") is None  # outside a request: a read of its own
    assert opened == [2]


async def test_a_read_after_a_write_in_the_request_sees_it(container: Container) -> None:
    uows = Uows.of(container)
    await add_users(uows, new_user("alice"))
    async with shared_reads(container):
        assert await todo_task(uows, "t-1") is None  # the shared snapshot, taken
        async with uows.todos().write() as uow:
            await uow.todos.add(new_todo("t-1", "u-alice", task="written"))
            await uow.commit()
        assert await todo_task(uows, "t-1") == "written"


async def test_concurrent_reads_in_a_request_each_work(container: Container) -> None:
    uows = Uows.of(container)
    await add_users(uows, new_user("alice"))

    async def reader() -> str | None:
        async with uows.todos().read() as uow:
            await asyncio.sleep(0)  # the other reader starts while this one holds its read
            todo = await uow.todos.get("u-alice", "t-1")
        return todo.task if todo else None

    async with shared_reads(container):
        assert list(await asyncio.gather(reader(), reader(), reader())) == [None, None, None]


async def test_a_failed_read_does_not_poison_the_next(container: Container) -> None:
    uows = Uows.of(container)
    await add_users(uows, new_user("alice"))
    async with shared_reads(container):
        with pytest.raises(ReadOnlyTransaction):
            async with uows.todos().read() as uow:
                await uow.todos.add(new_todo("t-1", "u-alice"))  # a write in a read
        assert await todo_task(uows, "t-1") is None  # a fresh read, not an aborted one


async def test_a_request_without_a_session_check_holds_no_read_between_its_reads(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A login reads the account, then hashes for a while: its read must be closed by then,
    or a login flood holds every connection of the pool."""
    uows = Uows.of(container)
    await add_users(uows, new_user("alice"))
    reads = container.request_reads()._reads
    opened, live = [0], [0]
    original = reads.open

    async def tracked() -> Any:
        opened[0] += 1
        live[0] += 1
        read = await original()
        close = read.close

        async def closing() -> None:
            live[0] -= 1
            await close()

        monkeypatch.setattr(read, "close", closing)
        return read

    monkeypatch.setattr(reads, "open", tracked)
    async with container.request_reads().scope():
        async with uows.accounts().read() as uow:
            assert await uow.users.get("u-alice") is not None
        assert live == [0]  # closed with its unit of work, not kept for a next read
        assert await todo_task(uows, "t-1") is None
    assert opened == [2]
