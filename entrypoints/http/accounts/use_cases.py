"""What the accounts routes may reach: their use cases, and nothing else of the container."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from fastapi import Request

from application.accounts.use_cases import (
    ChangePassword,
    GetCurrentUser,
    GetUser,
    ListUsers,
    Login,
    Logout,
    RefreshTokens,
    RegisterUser,
)


class AccountUseCases(Protocol):
    """Each attribute builds a fresh use case (a Factory of the container)."""

    @property
    def register_user(self) -> Callable[[], RegisterUser]: ...
    @property
    def login(self) -> Callable[[], Login]: ...
    @property
    def refresh_tokens(self) -> Callable[[], RefreshTokens]: ...
    @property
    def logout(self) -> Callable[[], Logout]: ...
    @property
    def get_current_user(self) -> Callable[[], GetCurrentUser]: ...
    @property
    def change_password(self) -> Callable[[], ChangePassword]: ...
    @property
    def list_users(self) -> Callable[[], ListUsers]: ...
    @property
    def get_user(self) -> Callable[[], GetUser]: ...


def account_use_cases(request: Request) -> AccountUseCases:
    return cast(AccountUseCases, request.app.state.container)
