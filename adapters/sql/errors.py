"""Driver errors, translated into the unit-of-work port's own errors at the adapter edge."""

from __future__ import annotations

import sqlalchemy.exc

from application.shared.ports import ReadOnlyTransaction, StorageConflict, StorageUnavailable

_READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: a write in a READ ONLY transaction
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
_UNAVAILABLE = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)


def port_error(error: BaseException) -> Exception | None:
    """The port error for a driver error, or None for one that is not the storage's (a bug)."""
    if isinstance(error, sqlalchemy.exc.DBAPIError):
        code = _sqlstate(error)
        if code == _READ_ONLY_SQLSTATE or _is_sqlite_read_only(error):
            return ReadOnlyTransaction("a write in a read-only unit of work")
        if code in _RETRYABLE_SQLSTATES:
            return StorageConflict("the database refused a concurrent transaction")
        if isinstance(error, _UNAVAILABLE):
            return StorageUnavailable(type(error.orig).__name__)
        return None
    if isinstance(error, sqlalchemy.exc.TimeoutError | ConnectionError | TimeoutError):
        return StorageUnavailable(type(error).__name__)  # no pooled connection, or none at all
    return None


def _sqlstate(error: sqlalchemy.exc.DBAPIError) -> str | None:
    for candidate in (error.orig, getattr(error.orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None)
        if isinstance(code, str):
            return code
    return None


def _is_sqlite_read_only(error: sqlalchemy.exc.DBAPIError) -> bool:
    return getattr(error.orig, "sqlite_errorname", None) == "SQLITE_READONLY"
