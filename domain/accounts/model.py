"""Accounts: users and their login sessions (one refresh-token family per login)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.accounts.errors import (
    InvalidEmail,
    InvalidUsername,
    LastAdmin,
    UnknownRole,
    WeakPassword,
)
from domain.shared.roles import Role
from domain.shared.text import check_text

# Rules written as patterns that Python, ECMAScript and Rust read alike: the OpenAPI
# document publishes these same strings.
USERNAME_MIN, USERNAME_MAX = 3, 32
USERNAME_PATTERN = rf"^[A-Za-z0-9_.\-]{{{USERNAME_MIN},{USERNAME_MAX}}}$"
# Deliberately loose: one @, no spaces or control characters, a dot in the domain.
# Deliverability is the mailer's job.
EMAIL_PATTERN = r"^[^@\x00-\x20\x7f]{1,64}@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"
_USERNAME = re.compile(USERNAME_PATTERN.strip("^$"))
_EMAIL = re.compile(EMAIL_PATTERN.strip("^$"))
PASSWORD_MIN, PASSWORD_MAX = 8, 1024
EMAIL_MAX = 254
ROLE_NAMES = tuple(role.value for role in Role)  # published as the role field's enum


@dataclass(frozen=True)
class Username:
    value: str

    def __post_init__(self) -> None:
        if not _USERNAME.fullmatch(check_text(self.value, "username")):
            raise InvalidUsername(
                "username must be 3-32 characters of letters, digits, '_', '.' or '-'"
            )

    @staticmethod
    def is_valid(value: str) -> bool:
        return _USERNAME.fullmatch(value) is not None

    @staticmethod
    def canonical_form(value: str) -> str:
        """Uniqueness ignores case: 'Alice' and 'alice' are one account."""
        return value.casefold()

    @property
    def canonical(self) -> str:
        return self.canonical_form(self.value)


def validate_email(email: str | None) -> str | None:
    if email is None:
        return None
    check_text(email, "email")
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise InvalidEmail("email must look like name@example.org")
    return email


def parse_role(value: str) -> Role:
    """The role named `value` ("user", "clinician", "admin"), or UnknownRole."""
    try:
        return Role(value)
    except ValueError:
        raise UnknownRole(f"role must be one of {', '.join(ROLE_NAMES)}") from None


def check_password_rules(password: str, username: Username, is_common: bool) -> None:
    """Raise WeakPassword naming the first rule the password breaks."""
    check_text(password, "password")  # before a hasher ever sees it
    if len(password) < PASSWORD_MIN:
        raise WeakPassword(f"password must be at least {PASSWORD_MIN} characters", "min_length")
    if len(password) > PASSWORD_MAX:
        raise WeakPassword(f"password must be at most {PASSWORD_MAX} characters", "max_length")
    if password.casefold() == username.canonical:
        raise WeakPassword("password must not equal the username", "equals_username")
    if is_common:
        raise WeakPassword("password is one of the most common passwords", "common_password")


@dataclass(eq=False)
class User:
    id: str
    username: Username
    password_hash: str
    role: Role
    created_at: datetime
    email: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, User) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def change_role(self, role: Role, other_admins: int) -> None:
        """Give the user `role`. `other_admins` counts the administrators besides this
        user (held still by the caller's locks): an administrator may step down only
        when one of them remains."""
        if self.is_admin and role is not Role.ADMIN and other_admins < 1:
            raise LastAdmin("the last administrator cannot give up the role")
        self.role = role


@dataclass(eq=False)
class LoginSession:
    """One login: the family of refresh tokens that rotate from it. Revoking it ends them all."""

    id: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now


@dataclass(eq=False)
class RefreshToken:
    """A refresh token known only by its hash; `used_at` is set when it is rotated."""

    token_hash: str
    session_id: str
    issued_at: datetime
    used_at: datetime | None = None

    @property
    def was_rotated(self) -> bool:
        return self.used_at is not None
