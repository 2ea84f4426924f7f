"""Accounts use cases, one class each, grouped by theme (see README: Layout)."""

from application.accounts.use_cases.login import Login
from application.accounts.use_cases.passwords import ChangePassword
from application.accounts.use_cases.registration import CreateFirstAdmin, RegisterUser
from application.accounts.use_cases.sessions import Authenticate, Logout, RefreshTokens
from application.accounts.use_cases.users import GetCurrentUser, GetUser, ListUsers

__all__ = [
    "Authenticate",
    "ChangePassword",
    "CreateFirstAdmin",
    "GetCurrentUser",
    "GetUser",
    "ListUsers",
    "Login",
    "Logout",
    "RefreshTokens",
    "RegisterUser",
]
