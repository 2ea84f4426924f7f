"""The in-memory unit of work every context's subclasses: one writer at a time, real
rollback, and saves only of rows the transaction holds (adapters/memory/store.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from adapters.bindings import check_bindings
from adapters.memory.store import Journal, MemoryStore
from application.shared.ports import ReadOnlyTransaction, UnitOfWork


class InMemoryUnitOfWork(UnitOfWork):
    """Serialisable by construction: a transaction, read or write, holds the store's lock
    until it ends, so a read is one snapshot and writes never interleave.

    A subclass per context (and its port as a base) lists its repositories by the names
    the port gives them, `repositories = {"todos": InMemoryTodoRepository}`: exactly
    those, checked when the class is defined (adapters/bindings.py)."""

    # Each made with (store, journal); a repository keeps its tables in `store.of(<ctx>)`.
    repositories: ClassVar[Mapping[str, type[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_bindings(cls, cls.repositories)

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._journal = Journal()
        for name, repository in self.repositories.items():
            setattr(self, name, repository(store, self._journal))

    async def begin(self) -> None:
        self._journal.read_only = self.is_read_only
        await self._store.lock.acquire()

    async def commit(self) -> None:
        if self._journal.read_only:
            raise ReadOnlyTransaction("commit in a read-only unit of work")
        self._journal.forget()

    async def close(self, error: BaseException | None = None) -> None:
        try:
            self._journal.end()
        finally:
            self._store.lock.release()
