from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from application.accounts.dto import TokenPair, UserView
from entrypoints.http.schemas import StrictBody

# Generous outer bounds only; the domain names the exact rule that failed. A new password
# has no bound here at all, so every length error names its rule (the body limit caps it).
_NAME = Field(min_length=1, max_length=64)


class RegisterBody(StrictBody):
    username: str = _NAME
    password: str
    email: str | None = Field(default=None, max_length=320)


class LoginBody(StrictBody):
    username: str = _NAME
    password: str = Field(min_length=1, max_length=1024)


class LoginForm(LoginBody):
    """The OAuth2 password form, as sent by /docs and OAuth2 clients."""

    grant_type: Literal["password"] | None = None
    scope: str = ""
    client_id: str | None = None
    client_secret: str | None = None


class RefreshBody(StrictBody):
    refresh_token: str = Field(min_length=1, max_length=256)


class ChangePasswordBody(StrictBody):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str


class UserOut(BaseModel):
    id: str
    username: str
    email: str | None
    role: Literal["user", "admin"]
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
