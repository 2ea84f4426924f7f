"""Commands in and views out of the accounts use cases: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.shared.actor import Actor
from domain.accounts.model import User
from domain.shared.roles import Role


@dataclass(frozen=True, slots=True)
class RegisterCommand:
    username: str
    password: str
    email: str | None = None
    role: Role = Role.USER


@dataclass(frozen=True, slots=True)
class LoginCommand:
    username: str
    password: str
    client: str  # the client's address: throttling counts per username *and* client


@dataclass(frozen=True, slots=True)
class ChangePasswordCommand:
    actor: Actor
    current_password: str
    new_password: str


@dataclass(frozen=True, slots=True)
class ChangeRoleCommand:
    actor: Actor
    user_id: str
    role: str  # a role's name, checked by the use case (unknown_role)


@dataclass(frozen=True, slots=True)
class UserView:
    id: str
    username: str
    email: str | None
    role: Role
    created_at: datetime

    @classmethod
    def from_user(cls, user: User) -> UserView:
        return cls(user.id, user.username.value, user.email, user.role, user.created_at)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
