"""Use cases wired to the in-memory adapters and fake security adapters (tests/support/fakes.py).

What is really about argon2 or PyJWT runs on the real adapters, in test_argon2_hasher.py
and test_jwt_tokens.py (they rebuild `Accounts` with them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from adapters.memory.accounts.throttle import InMemoryKnownClients, InMemoryLoginThrottle
from adapters.memory.store import MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.security.accounts.common_passwords import FileCommonPasswords
from application.accounts.dto import LoginCommand, RegisterCommand, TokenPair, UserView
from application.accounts.policies import LoginLimits, SessionPolicy
from application.accounts.ports import PasswordHasher, TokenService
from application.accounts.use_cases.login import Login
from application.accounts.use_cases.passwords import ChangePassword
from application.accounts.use_cases.registration import RegisterUser
from application.accounts.use_cases.sessions import Authenticate, Logout, RefreshTokens
from application.accounts.use_cases.users import GetCurrentUser, GetUser, ListUsers
from application.shared.actor import Actor
from domain.shared.roles import Role
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
    """Every accounts use case on one store; each gets its own unit of work, as in the app."""

    store: MemoryStore
    clock: ManualClock
    hasher: PasswordHasher
    tokens: TokenService
    throttle: InMemoryLoginThrottle
    common: FileCommonPasswords
    policy: SessionPolicy
    account_throttle: InMemoryLoginThrottle
    known_clients: InMemoryKnownClients

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    @property
    def register_user(self) -> RegisterUser:
        return RegisterUser(self.uow(), self.hasher, self.common, self.clock)

    def login_with(self, hasher: PasswordHasher) -> Login:
        limits = LoginLimits(self.throttle, self.account_throttle, self.known_clients)
        return Login(self.uow(), hasher, self.tokens, limits, self.clock, self.policy)

    @property
    def login(self) -> Login:
        return self.login_with(self.hasher)

    @property
    def authenticate(self) -> Authenticate:
        return Authenticate(self.uow(), self.tokens, self.clock)

    @property
    def refresh(self) -> RefreshTokens:
        return RefreshTokens(self.uow(), self.tokens, self.clock)

    @property
    def logout(self) -> Logout:
        return Logout(self.uow(), self.clock)

    @property
    def change_password(self) -> ChangePassword:
        return ChangePassword(self.uow(), self.hasher, self.common, self.throttle, self.clock)

    @property
    def get_current_user(self) -> GetCurrentUser:
        return GetCurrentUser(self.uow())

    @property
    def get_user(self) -> GetUser:
        return GetUser(self.uow())

    @property
    def list_users(self) -> ListUsers:
        return ListUsers(self.uow())

    async def register(
        self, username: str, password: str = PASSWORD, role: Role = Role.USER
    ) -> UserView:
        return await self.register_user.execute(RegisterCommand(username, password, role=role))

    async def sign_in(
        self, username: str, password: str = PASSWORD, client: str = CLIENT
    ) -> TokenPair:
        return await self.login.execute(LoginCommand(username, password, client))

    async def actor_for(self, pair: TokenPair) -> Actor:
        return await self.authenticate.execute(pair.access_token)


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
        SessionPolicy(),
        InMemoryLoginThrottle(clock, max_failures=20),
        InMemoryKnownClients(clock),
    )
