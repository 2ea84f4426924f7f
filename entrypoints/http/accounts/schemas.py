from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from application.accounts.dto import TokenPair, UserView
from domain.accounts.model import (
    EMAIL_MAX,
    EMAIL_PATTERN,
    PASSWORD_MAX,
    PASSWORD_MIN,
    ROLE_NAMES,
    USERNAME_MAX,
    USERNAME_MIN,
    USERNAME_PATTERN,
)
from entrypoints.http.schemas import StrictBody, documented

# A login name is only looked up, never checked against the rules: any 1-64 characters.
_NAME = Field(min_length=1, max_length=64)
# The domain enforces these and names the rule that failed; the schema states the same rules.
_NEW_USERNAME = documented(pattern=USERNAME_PATTERN, minLength=USERNAME_MIN, maxLength=USERNAME_MAX)
_NEW_PASSWORD = documented(
    minLength=PASSWORD_MIN,
    maxLength=PASSWORD_MAX,
    description="Not the username, and not one of the 10,000 most common passwords.",
)


class RegisterBody(StrictBody):
    username: str = _NEW_USERNAME
    password: str = _NEW_PASSWORD
    email: Annotated[str, documented(pattern=EMAIL_PATTERN, maxLength=EMAIL_MAX)] | None = None


class LoginBody(StrictBody):
    username: str = _NAME
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class LoginForm(LoginBody):
    """The OAuth2 password form, as sent by /docs and OAuth2 clients."""

    # A form has no null: these are documented as optional strings, None meaning absent.
    grant_type: Literal["password"] | SkipJsonSchema[None] = None
    scope: str = ""
    client_id: str | SkipJsonSchema[None] = None
    client_secret: str | SkipJsonSchema[None] = None


class RefreshBody(StrictBody):
    refresh_token: str = Field(min_length=1, max_length=256)


class ChangePasswordBody(StrictBody):
    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = _NEW_PASSWORD


class RoleBody(StrictBody):
    # The use case refuses any other name (unknown_role, 422); the schema states the list.
    role: str = documented(enum=list(ROLE_NAMES))


class UserOut(BaseModel):
    id: str
    username: str
    email: str | None
    role: Literal["user", "clinician", "admin"]  # ROLE_NAMES (tests/unit/test_roles.py)
    created_at: datetime

    @classmethod
    def of(cls, view: UserView) -> UserOut:
        return cls(
            id=view.id,
            username=view.username,
            email=view.email,
            role=view.role.value,
            created_at=view.created_at,
        )


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 token type)
    expires_in: int
    refresh_token: str

    @classmethod
    def of(cls, pair: TokenPair) -> TokenOut:
        return cls(
            access_token=pair.access_token,
            expires_in=pair.expires_in,
            refresh_token=pair.refresh_token,
        )
