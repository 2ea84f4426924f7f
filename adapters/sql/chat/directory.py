"""Usernames and sessions, read from the accounts' `users` and `login_sessions` tables by
their names: the chat imports nothing of the accounts context, and reads only these
columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, column, select, table
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.types import UtcDateTime
from application.chat.ports import ActiveSession, ChatDirectory
from domain.shared.roles import Role

_users = table("users", column("id"), column("username"), column("role"))
_sessions = table(
    "login_sessions",
    column("id"),
    column("user_id"),
    column("expires_at", UtcDateTime),
    column("revoked_at", UtcDateTime),
)
_NAMES = select(_users.c.id, _users.c.username).where(
    _users.c.id.in_(bindparam("user_ids", expanding=True))
)
_SESSION = (
    select(_sessions.c.user_id, _users.c.role)
    .join_from(_sessions, _users, _users.c.id == _sessions.c.user_id)
    .where(
        _sessions.c.id == bindparam("session_id"),
        _sessions.c.revoked_at.is_(None),
        _sessions.c.expires_at > bindparam("now", type_=UtcDateTime),
    )
)


class SqlChatDirectory(ChatDirectory):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def usernames(self, user_ids: Sequence[str]) -> Mapping[str, str]:
        if not user_ids:
            return {}
        rows = await self._db.execute(_NAMES, {"user_ids": list(user_ids)})
        return {row.id: row.username for row in rows}

    async def active_session(self, session_id: str, now: datetime) -> ActiveSession | None:
        params = {"session_id": session_id, "now": now}
        row = (await self._db.execute(_SESSION, params)).first()
        return ActiveSession(row.user_id, Role(row.role)) if row else None
