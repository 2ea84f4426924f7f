"""What the accounts use cases need from the outside world."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from application.shared.ports import Overloaded, UnitOfWork
from domain.accounts.model import LoginSession, RefreshToken, User
from domain.shared.roles import Role


class UserRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, user: User) -> None:
        """Raise UsernameTaken when the canonical username exists (also under a race)."""

    @abc.abstractmethod
    async def get(self, user_id: str) -> User | None: ...

    @abc.abstractmethod
    async def get_by_username(self, canonical_username: str) -> User | None: ...

    @abc.abstractmethod
    async def list(self, limit: int, offset: int) -> tuple[Sequence[User], int]:
        """A page of users by creation time, and the total count."""

    @abc.abstractmethod
    async def update_password_hash(
        self, user_id: str, password_hash: str, replaces: str | None = None
    ) -> bool:
        """Set the user's hash; with `replaces`, only while the stored hash is still that
        one (compare-and-set: a concurrent password change is never undone, and waits for
        or beats this one on the row). True when the hash was set."""

    @abc.abstractmethod
    async def any_with_role(self, role: Role) -> bool: ...

    @abc.abstractmethod
    async def get_for_update(self, user_id: str) -> User | None:
        """Load a user and lock the row until commit (the only way to `save` it)."""

    @abc.abstractmethod
    async def ids_with_role_for_update(self, role: Role) -> frozenset[str]:
        """The ids of every user who has `role` now, their rows locked until commit (in id
        order, so two lockers never deadlock). A row whose role changed while this waited
        for it is left out, so what is returned cannot change before commit."""

    @abc.abstractmethod
    async def save(self, user: User) -> None:
        """Store the role and email of a user loaded for update in this transaction (the
        password hash has its own compare-and-set, `update_password_hash`)."""


class SessionRepository(abc.ABC):
    """Login sessions and the refresh tokens issued in them (stored as hashes only)."""

    @abc.abstractmethod
    async def add(self, session: LoginSession) -> None: ...

    @abc.abstractmethod
    async def get(self, session_id: str) -> LoginSession | None: ...

    @abc.abstractmethod
    async def get_with_role(self, session_id: str) -> tuple[LoginSession, Role] | None:
        """The session and its user's role now, in one read (one query on SQL): a role
        change applies from the next request, with no second round trip per request."""

    @abc.abstractmethod
    async def revoke(self, session_id: str, at: datetime) -> None: ...

    @abc.abstractmethod
    async def revoke_all_for_user(
        self, user_id: str, at: datetime, except_session_id: str | None = None
    ) -> None: ...

    @abc.abstractmethod
    async def add_token(self, token: RefreshToken) -> None: ...

    @abc.abstractmethod
    async def get_token_for_update(self, token_hash: str) -> RefreshToken | None:
        """Load a refresh token and lock it until commit, so two rotations serialise."""

    @abc.abstractmethod
    async def mark_token_used(self, token_hash: str, at: datetime) -> None: ...


class AccountsUnitOfWork(UnitOfWork):
    users: UserRepository
    sessions: SessionRepository


class PasswordHasherBusy(Overloaded):
    """Too many password checks are waiting already, so this one was not started. The
    client may retry shortly (HTTP: 503 with Retry-After)."""


class PasswordHasher(abc.ABC):
    """May raise PasswordHasherBusy from any method that hashes or verifies."""

    def is_busy(self) -> bool:
        """True while a new hash or verify would be refused with PasswordHasherBusy: a
        login asks first, so a refusal does not count against the user's attempts."""
        return False

    @abc.abstractmethod
    async def hash(self, password: str) -> str: ...

    @abc.abstractmethod
    async def verify(self, password_hash: str, password: str) -> bool: ...

    @abc.abstractmethod
    async def verify_dummy(self, password: str) -> None:
        """Spend the time of a real verify, so unknown users cannot be told by timing."""

    @abc.abstractmethod
    def needs_rehash(self, password_hash: str) -> bool: ...


class CommonPasswords(abc.ABC):
    @abc.abstractmethod
    def contains(self, password: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    role: Role
    session_id: str
    token_id: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedAccessToken:
    token: str
    expires_in: int


class TokenService(abc.ABC):
    """Signs and checks access tokens; makes and hashes opaque refresh tokens."""

    @abc.abstractmethod
    def issue_access(self, user_id: str, role: Role, session_id: str) -> IssuedAccessToken: ...

    @abc.abstractmethod
    def decode_access(self, token: str) -> AccessClaims:
        """Raise InvalidToken for anything but a valid, unexpired access token."""

    @abc.abstractmethod
    def new_refresh_token(self) -> str: ...

    @abc.abstractmethod
    def hash_refresh_token(self, token: str) -> str: ...


class LoginThrottle(abc.ABC):
    """Counts password attempts per key (e.g. username and client) within a window.

    An attempt counts from the moment it starts, atomically with the check, so a burst
    of parallel guesses cannot all slip past the limit before any of them has failed.
    """

    @abc.abstractmethod
    async def begin_attempt(self, key: str) -> int | None:
        """Count an attempt and return None; or, when the key is blocked, return the
        seconds until it may try again (and count nothing)."""

    @abc.abstractmethod
    async def reset(self, key: str) -> None:
        """The attempt succeeded: forget the key's count."""


class KnownClients(abc.ABC):
    """Client addresses that have logged in to an account successfully (for a while)."""

    @abc.abstractmethod
    async def remember(self, account: str, client: str) -> None: ...

    @abc.abstractmethod
    async def knows(self, account: str, client: str) -> bool: ...
