"""Errors that carry a kind, so every edge (HTTP, CLI) can map them from one table."""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar


class ErrorKind(Enum):
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"
    RATE_LIMITED = "rate_limited"
    PRECONDITION_FAILED = "precondition_failed"


class DomainError(Exception):
    """Base for every rule violation; subclasses are named after the rule they guard."""

    kind: ClassVar[ErrorKind] = ErrorKind.INVALID
    code: ClassVar[str] = "invalid"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        # Extra fields help the client fix the request (e.g. which rule, retry_after).
        self.extra = extra


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND
    code = "not_found"


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT
    code = "conflict"


class PreconditionFailed(DomainError):
    """The caller's condition on the object's current state (its version, as read) no
    longer holds: it changed since. Read it again, then retry."""

    kind = ErrorKind.PRECONDITION_FAILED
    code = "precondition_failed"


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN
    code = "forbidden"


class InvalidInput(DomainError):
    kind = ErrorKind.INVALID
    code = "invalid"


class InvalidId(InvalidInput):
    code = "invalid_id"


class InvalidText(InvalidInput):
    code = "invalid_text"


class Unauthenticated(DomainError):
    kind = ErrorKind.UNAUTHENTICATED
    code = "unauthenticated"


class RateLimited(DomainError):
    kind = ErrorKind.RATE_LIMITED
    code = "rate_limited"

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail, retry_after=retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds
