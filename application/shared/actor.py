from __future__ import annotations

from dataclasses import dataclass

from domain.shared.roles import Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling: resolved from a token at the edge, checked in use cases."""

    user_id: str
    role: Role
    session_id: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
