"""Usernames and sessions, on the in-memory store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from adapters.memory.store import Journal, MemoryStore
from application.chat.ports import ActiveSession, ChatDirectory


class InMemoryChatDirectory(ChatDirectory):
    """Answers from the accounts' memory tables by their names (as the SQL adapter does
    from its tables): the chat imports nothing of the accounts context."""

    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        accounts = store.of("accounts")
        self._users: dict[str, Any] = accounts.table("users")
        self._sessions: dict[str, Any] = accounts.table("sessions")

    async def usernames(self, user_ids: Sequence[str]) -> Mapping[str, str]:
        users = ((i, self._users.get(i)) for i in user_ids)
        return {i: str(user.username.value) for i, user in users if user is not None}

    async def active_session(self, session_id: str, now: datetime) -> ActiveSession | None:
        session = self._sessions.get(session_id)
        if session is None or not session.is_active(now):
            return None
        user = self._users.get(session.user_id)
        return ActiveSession(user.id, user.role) if user is not None else None
