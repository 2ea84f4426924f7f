from __future__ import annotations

from adapters.memory import shop
from adapters.memory.accounts import InMemorySessionRepository, InMemoryUserRepository
from adapters.memory.store import Journal, MemoryStore
from adapters.memory.todos import InMemoryTodoRepository
from application.accounts.ports import AccountsUnitOfWork
from application.shared.ports import ReadOnlyTransaction
from application.shop.ports import ShopUnitOfWork
from application.todos.ports import TodosUnitOfWork

# Every repository of every context, by the attribute its unit-of-work port names:
# adding a repository is one line here (a new context also adds its port as a base).
REPOSITORIES = {
    "users": InMemoryUserRepository,
    "sessions": InMemorySessionRepository,
    "todos": InMemoryTodoRepository,
    **shop.REPOSITORIES,
}


class InMemoryUnitOfWork(AccountsUnitOfWork, TodosUnitOfWork, ShopUnitOfWork):
    """Serialisable by construction: a transaction, read or write, holds the store's lock
    until it ends, so a read is one snapshot and writes never interleave."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._journal = Journal()
        for name, repository in REPOSITORIES.items():
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
            self._journal.roll_back()
        finally:
            self._store.lock.release()
