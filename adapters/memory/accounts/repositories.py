from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adapters.memory.store import Journal, MemoryStore, changed, clone, put
from application.accounts.ports import SessionRepository, UserRepository
from domain.accounts.errors import UsernameTaken
from domain.accounts.model import LoginSession, RefreshToken, User
from domain.shared.roles import Role


class InMemoryUserRepository(UserRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._users: dict[str, User] = store.of("accounts").table("users")
        self._ids_by_name: dict[str, str] = store.of("accounts").table("user_ids_by_name")
        self._journal = journal

    async def add(self, user: User) -> None:
        self._journal.check_writable()
        name = user.username.canonical
        if name in self._ids_by_name:
            raise UsernameTaken(f"username {user.username.value!r} is taken")
        put(self._journal, self._users, user.id, clone(user))
        put(self._journal, self._ids_by_name, name, user.id)

    async def get(self, user_id: str) -> User | None:
        user = self._users.get(user_id)
        return clone(user) if user else None

    async def get_by_username(self, canonical_username: str) -> User | None:
        user_id = self._ids_by_name.get(canonical_username)
        return await self.get(user_id) if user_id else None

    async def list(self, limit: int, offset: int) -> tuple[Sequence[User], int]:
        users = sorted(self._users.values(), key=lambda u: (u.created_at, u.id))
        return [clone(u) for u in users[offset : offset + limit]], len(users)

    async def any_with_role(self, role: Role) -> bool:
        return any(user.role is role for user in self._users.values())

    async def get_for_update(self, user_id: str) -> User | None:
        self._journal.hold(self._users, user_id)  # the store's lock serialises the rest
        return await self.get(user_id)

    async def ids_with_role_for_update(self, role: Role) -> frozenset[str]:
        self._journal.check_writable()
        ids = frozenset(user.id for user in self._users.values() if user.role is role)
        for user_id in sorted(ids):
            self._journal.hold(self._users, user_id)
        return ids

    async def save(self, user: User) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._users, user.id)
        stored = self._users.get(user.id)
        if stored is not None:
            saved = changed(stored, role=user.role, email=user.email)
            put(self._journal, self._users, user.id, saved)

    async def update_password_hash(
        self, user_id: str, password_hash: str, replaces: str | None = None
    ) -> bool:
        self._journal.check_writable()
        user = self._users.get(user_id)
        if user is None or (replaces is not None and user.password_hash != replaces):
            return False
        put(self._journal, self._users, user_id, changed(user, password_hash=password_hash))
        return True


class InMemorySessionRepository(SessionRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._sessions: dict[str, LoginSession] = store.of("accounts").table("sessions")
        self._tokens: dict[str, RefreshToken] = store.of("accounts").table("refresh_tokens")
        self._users: dict[str, User] = store.of("accounts").table("users")
        self._journal = journal

    async def add(self, session: LoginSession) -> None:
        self._journal.check_writable()
        put(self._journal, self._sessions, session.id, clone(session))

    async def get(self, session_id: str) -> LoginSession | None:
        session = self._sessions.get(session_id)
        return clone(session) if session else None

    async def get_with_role(self, session_id: str) -> tuple[LoginSession, Role] | None:
        session = self._sessions.get(session_id)
        user = self._users.get(session.user_id) if session else None
        if session is None or user is None:
            return None
        return clone(session), user.role

    async def revoke(self, session_id: str, at: datetime) -> None:
        self._journal.check_writable()
        session = self._sessions.get(session_id)
        if session is not None and session.revoked_at is None:
            revoked = clone(session)
            revoked.revoke(at)
            put(self._journal, self._sessions, session_id, revoked)

    async def revoke_all_for_user(
        self, user_id: str, at: datetime, except_session_id: str | None = None
    ) -> None:
        self._journal.check_writable()
        for session in list(self._sessions.values()):
            if session.user_id == user_id and session.id != except_session_id:
                await self.revoke(session.id, at)

    async def add_token(self, token: RefreshToken) -> None:
        self._journal.check_writable()
        put(self._journal, self._tokens, token.token_hash, clone(token))

    async def get_token_for_update(self, token_hash: str) -> RefreshToken | None:
        self._journal.check_writable()  # a lock is a write's first step
        # The store's lock already serialises transactions: no row lock is needed.
        token = self._tokens.get(token_hash)
        return clone(token) if token else None

    async def mark_token_used(self, token_hash: str, at: datetime) -> None:
        self._journal.check_writable()
        token = self._tokens.get(token_hash)
        if token is not None:
            put(self._journal, self._tokens, token_hash, changed(token, used_at=at))
