from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.accounts import login_sessions, refresh_tokens, users
from adapters.sql.uow import SqlUnitOfWork
from application.accounts.ports import AccountsUnitOfWork, SessionRepository, UserRepository
from domain.accounts.errors import UsernameTaken
from domain.accounts.model import LoginSession, RefreshToken, User, Username
from domain.shared.roles import Role

# Hot-path statements are built once: building a SELECT costs more than running it on SQLite.
_USER_BY_ID = select(users).where(users.c.id == bindparam("user_id"))
_USER_BY_NAME = select(users).where(users.c.username_canonical == bindparam("name"))
_SESSION_BY_ID = select(login_sessions).where(login_sessions.c.id == bindparam("session_id"))
# Every authenticated request: the session and its user's role now, in one round trip.
_SESSION_WITH_ROLE = (
    select(login_sessions, users.c.role)
    .join(users, users.c.id == login_sessions.c.user_id)
    .where(login_sessions.c.id == bindparam("session_id"))
)
# PostgreSQL locks the rows; SQLite's writer already holds BEGIN IMMEDIATE.
_USER_FOR_UPDATE = _USER_BY_ID.with_for_update()
_IDS_WITH_ROLE_FOR_UPDATE = (
    select(users.c.id)
    .where(users.c.role == bindparam("role"))
    .order_by(users.c.id)  # one lock order for every locker: no deadlock
    .with_for_update()
)


def _user(row: Any) -> User:
    return User(
        id=row.id,
        username=Username(row.username),
        password_hash=row.password_hash,
        role=Role(row.role),
        created_at=row.created_at,
        email=row.email,
    )


def _session(row: Any) -> LoginSession:
    return LoginSession(row.id, row.user_id, row.created_at, row.expires_at, row.revoked_at)


class SqlUserRepository(UserRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, user: User) -> None:
        values = {
            "id": user.id,
            "username": user.username.value,
            "username_canonical": user.username.canonical,
            "email": user.email,
            "password_hash": user.password_hash,
            "role": user.role.value,
            "created_at": user.created_at,
        }
        try:
            await self._db.execute(insert(users).values(values))
        except IntegrityError as exc:  # the unique index decides a registration race
            raise UsernameTaken(f"username {user.username.value!r} is taken") from exc

    async def get(self, user_id: str) -> User | None:
        row = (await self._db.execute(_USER_BY_ID, {"user_id": user_id})).first()
        return _user(row) if row else None

    async def get_by_username(self, canonical_username: str) -> User | None:
        row = (await self._db.execute(_USER_BY_NAME, {"name": canonical_username})).first()
        return _user(row) if row else None

    async def list(self, limit: int, offset: int) -> tuple[Sequence[User], int]:
        query = select(users).order_by(users.c.created_at, users.c.id).limit(limit)
        rows = (await self._db.execute(query.offset(offset))).all()
        total = (await self._db.execute(select(func.count()).select_from(users))).scalar_one()
        return [_user(r) for r in rows], total

    async def update_password_hash(
        self, user_id: str, password_hash: str, replaces: str | None = None
    ) -> bool:
        query = update(users).where(users.c.id == user_id)
        if replaces is not None:
            query = query.where(users.c.password_hash == replaces)
        result = await self._db.execute(query.values(password_hash=password_hash))
        return bool(result.rowcount > 0)

    async def any_with_role(self, role: Role) -> bool:
        query = select(users.c.id).where(users.c.role == role.value).limit(1)
        return (await self._db.execute(query)).first() is not None

    async def get_for_update(self, user_id: str) -> User | None:
        row = (await self._db.execute(_USER_FOR_UPDATE, {"user_id": user_id})).first()
        return _user(row) if row else None

    async def ids_with_role_for_update(self, role: Role) -> frozenset[str]:
        # PostgreSQL (read committed) checks the WHERE again on a row it waited for: a row
        # whose role a committed change took away is skipped, not returned stale.
        rows = await self._db.execute(_IDS_WITH_ROLE_FOR_UPDATE, {"role": role.value})
        return frozenset(rows.scalars())

    async def save(self, user: User) -> None:
        await self._db.execute(
            update(users)
            .where(users.c.id == user.id)
            .values(role=user.role.value, email=user.email)
        )


class SqlSessionRepository(SessionRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, session: LoginSession) -> None:
        await self._db.execute(
            insert(login_sessions).values(
                id=session.id,
                user_id=session.user_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
                revoked_at=session.revoked_at,
            )
        )

    async def get(self, session_id: str) -> LoginSession | None:
        row = (await self._db.execute(_SESSION_BY_ID, {"session_id": session_id})).first()
        if row is None:
            return None
        return _session(row)

    async def get_with_role(self, session_id: str) -> tuple[LoginSession, Role] | None:
        row = (await self._db.execute(_SESSION_WITH_ROLE, {"session_id": session_id})).first()
        return (_session(row), Role(row.role)) if row else None

    async def revoke(self, session_id: str, at: datetime) -> None:
        await self._db.execute(
            update(login_sessions)
            .where(login_sessions.c.id == session_id, login_sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def revoke_all_for_user(
        self, user_id: str, at: datetime, except_session_id: str | None = None
    ) -> None:
        query = update(login_sessions).where(
            login_sessions.c.user_id == user_id, login_sessions.c.revoked_at.is_(None)
        )
        if except_session_id is not None:
            query = query.where(login_sessions.c.id != except_session_id)
        await self._db.execute(query.values(revoked_at=at))

    async def add_token(self, token: RefreshToken) -> None:
        await self._db.execute(
            insert(refresh_tokens).values(
                token_hash=token.token_hash,
                session_id=token.session_id,
                issued_at=token.issued_at,
                used_at=token.used_at,
            )
        )

    async def get_token_for_update(self, token_hash: str) -> RefreshToken | None:
        # FOR UPDATE locks the row on PostgreSQL; SQLite's writer already holds BEGIN IMMEDIATE.
        query = (
            select(refresh_tokens)
            .where(refresh_tokens.c.token_hash == token_hash)
            .with_for_update()
        )
        row = (await self._db.execute(query)).first()
        if row is None:
            return None
        return RefreshToken(row.token_hash, row.session_id, row.issued_at, row.used_at)

    async def mark_token_used(self, token_hash: str, at: datetime) -> None:
        await self._db.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.token_hash == token_hash)
            .values(used_at=at)
        )


class SqlAccountsUnitOfWork(SqlUnitOfWork, AccountsUnitOfWork):
    repositories = {
        "users": SqlUserRepository,
        "sessions": SqlSessionRepository,
    }
