from __future__ import annotations

from domain.shared.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthenticated,
)


class InvalidUsername(InvalidInput):
    code = "invalid_username"


class WeakPassword(InvalidInput):
    """A password rule failed; `rule` names which one so the client can say so."""

    code = "weak_password"

    def __init__(self, detail: str, rule: str) -> None:
        super().__init__(detail, rule=rule)
        self.rule = rule


class InvalidEmail(InvalidInput):
    code = "invalid_email"


class UsernameTaken(Conflict):
    code = "username_taken"


class UnknownRole(InvalidInput):
    code = "unknown_role"


class LastAdmin(Conflict):
    """The change would leave no administrator: nobody could grant a role again."""

    code = "last_admin"


class UserNotFound(NotFound):
    code = "user_not_found"


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"


class InvalidToken(Unauthenticated):
    code = "invalid_token"


class TooManyLoginAttempts(RateLimited):
    code = "too_many_login_attempts"


class WrongCurrentPassword(Forbidden):
    code = "wrong_current_password"
