"""Who is a clinician, read from the accounts' `users` table by its name: the clinic
imports nothing of the accounts context, and reads only `id` and `role`."""

from __future__ import annotations

from sqlalchemy import bindparam, column, select, table
from sqlalchemy.ext.asyncio import AsyncConnection

from application.clinic.ports import ClinicianDirectory
from domain.shared.roles import Role

_users = table("users", column("id"), column("role"))
_ROLE = select(_users.c.role).where(_users.c.id == bindparam("user_id"))


class SqlClinicianDirectory(ClinicianDirectory):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def is_clinician(self, user_id: str) -> bool:
        role = (await self._db.execute(_ROLE, {"user_id": user_id})).scalar_one_or_none()
        return role == Role.CLINICIAN.value
