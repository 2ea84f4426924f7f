from __future__ import annotations

from adapters.memory.accounts.repositories import (
    InMemorySessionRepository,
    InMemoryUserRepository,
)
from adapters.memory.store import Journal, MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.accounts.ports import AccountsUnitOfWork


class InMemoryAccountsUnitOfWork(InMemoryUnitOfWork, AccountsUnitOfWork):
    def _bind(self, store: MemoryStore, journal: Journal) -> None:
        self.users = InMemoryUserRepository(store, journal)
        self.sessions = InMemorySessionRepository(store, journal)
