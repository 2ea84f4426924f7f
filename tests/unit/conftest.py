"""Use cases wired to the in-memory adapters and fake security adapters (tests/support/fakes.py).

What is really about argon2 or PyJWT runs on the real adapters, in test_argon2_hasher.py
and test_jwt_tokens.py (they rebuild `Accounts` with them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from dependency_injector import providers

from adapters.memory.accounts.throttle import InMemoryKnownClients, InMemoryLoginThrottle
from adapters.memory.accounts.uow import InMemoryAccountsUnitOfWork
from adapters.memory.store import MemoryStore
from adapters.security.accounts.common_passwords import FileCommonPasswords
from application.accounts.dto import LoginCommand, RegisterCommand, TokenPair, UserView
from application.accounts.policies import SessionPolicy
from application.accounts.ports import PasswordHasher, TokenService
from application.accounts.use_cases.login import Login
from application.shared.actor import Actor
from domain.shared.roles import Role
from entrypoints.containers.accounts import AccountsContainer
from tests.support.clock import ManualClock
from tests.support.fakes import FakePasswordHasher, FakeTokenService
from tests.unit.todo_helpers import Todos

SECRET = "unit-test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"
CLIENT = "203.0.113.7"


@pytest.fixture
def clock() -> ManualClock:
    # Starts at the real time, so tokens issued here look like tokens issued today.
    return ManualClock(datetime.now(UTC))


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def todos(store: MemoryStore, clock: ManualClock) -> Todos:
    """The todo use cases on the in-memory store (tests/unit/todo_helpers.py)."""
    return Todos(store, clock)


@pytest.fixture
def hasher() -> PasswordHasher:
    return FakePasswordHasher()


@pytest.fixture
def common() -> FileCommonPasswords:
    return FileCommonPasswords()


@pytest.fixture
def tokens(clock: ManualClock) -> TokenService:
    return FakeTokenService(clock)


@pytest.fixture
def throttle(clock: ManualClock) -> InMemoryLoginThrottle:
    return InMemoryLoginThrottle(clock)


@dataclass
class Accounts:
    """The accounts context's container (entrypoints/containers/accounts.py) on one memory
    store and the fakes: each use case call gets its own unit of work, as in the app.
    `use_cases` is built from the fields as they are, so a test may swap the hasher or the
    token service between calls."""

    store: MemoryStore
    clock: ManualClock
    hasher: PasswordHasher
    tokens: TokenService
    throttle: InMemoryLoginThrottle
    common: FileCommonPasswords
    account_throttle: InMemoryLoginThrottle
    known_clients: InMemoryKnownClients
    refresh_token_days: int = SessionPolicy().refresh_token_days

    @property
    def use_cases(self) -> AccountsContainer:
        container = AccountsContainer(
            uow=providers.Factory(InMemoryAccountsUnitOfWork, self.store),
            clock=providers.Object(self.clock),
            hasher=providers.Object(self.hasher),
            common_passwords=providers.Object(self.common),
            tokens=providers.Object(self.tokens),
            login_throttle=providers.Object(self.throttle),
            account_throttle=providers.Object(self.account_throttle),
            known_clients=providers.Object(self.known_clients),
        )
        container.config.from_dict({"refresh_token_days": self.refresh_token_days})
        return container

    def table(self, name: str) -> dict[Any, Any]:
        """A table of the accounts' namespace in the memory store, as the repositories
        keep it ("users", "user_ids_by_name", "sessions", "refresh_tokens")."""
        return self.store.of("accounts").table(name)

    def login_with(self, hasher: PasswordHasher) -> Login:
        return dataclasses.replace(self, hasher=hasher).use_cases.login()

    async def register(
        self, username: str, password: str = PASSWORD, role: Role = Role.USER
    ) -> UserView:
        command = RegisterCommand(username, password, role=role)
        return await self.use_cases.register_user().execute(command)

    async def sign_in(
        self, username: str, password: str = PASSWORD, client: str = CLIENT
    ) -> TokenPair:
        return await self.use_cases.login().execute(LoginCommand(username, password, client))

    async def actor_for(self, pair: TokenPair) -> Actor:
        return await self.use_cases.authenticate().execute(pair.access_token)


@pytest.fixture
def accounts(
    store: MemoryStore,
    clock: ManualClock,
    hasher: PasswordHasher,
    tokens: TokenService,
    throttle: InMemoryLoginThrottle,
    common: FileCommonPasswords,
) -> Accounts:
    return Accounts(
        store,
        clock,
        hasher,
        tokens,
        throttle,
        common,
        InMemoryLoginThrottle(clock, max_failures=20),
        InMemoryKnownClients(clock),
    )
