from __future__ import annotations

from adapters.memory.accounts.repositories import (
    InMemorySessionRepository,
    InMemoryUserRepository,
)
from adapters.memory.uow import InMemoryUnitOfWork
from application.accounts.ports import AccountsUnitOfWork


class InMemoryAccountsUnitOfWork(InMemoryUnitOfWork, AccountsUnitOfWork):
    repositories = {
        "users": InMemoryUserRepository,
        "sessions": InMemorySessionRepository,
    }
