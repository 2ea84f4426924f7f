"""The in-memory unit of work every context's subclasses: one writer at a time, real
rollback, and saves only of rows the transaction holds (adapters/memory/store.py)."""

from __future__ import annotations

import abc

from adapters.memory.store import Journal, MemoryStore
from application.shared.ports import ReadOnlyTransaction, UnitOfWork


class InMemoryUnitOfWork(UnitOfWork):
    """Serialisable by construction: a transaction, read or write, holds the store's lock
    until it ends, so a read is one snapshot and writes never interleave. A subclass binds
    its context's repositories in `_bind`, and only those."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._journal = Journal()
        self._bind(store, self._journal)

    @abc.abstractmethod
    def _bind(self, store: MemoryStore, journal: Journal) -> None:
        """Set this context's repositories, on `store.of(<context>)`."""

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
