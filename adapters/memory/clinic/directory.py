"""Who is a clinician, on the in-memory store."""

from __future__ import annotations

from typing import Any

from adapters.memory.store import Journal, MemoryStore
from application.clinic.ports import ClinicianDirectory
from domain.shared.roles import Role


class InMemoryClinicianDirectory(ClinicianDirectory):
    """Answers from the accounts' memory table by its name (as the SQL adapter will from
    its table): the clinic imports nothing of the accounts context. Only `role` is read."""

    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._users: dict[str, Any] = store.of("accounts").table("users")

    async def is_clinician(self, user_id: str) -> bool:
        user = self._users.get(user_id)
        return user is not None and getattr(user, "role", None) is Role.CLINICIAN
