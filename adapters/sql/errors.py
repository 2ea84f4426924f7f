"""Driver errors that mean "the database cannot serve now", not "this request is wrong"."""

from __future__ import annotations

import sqlalchemy.exc

STORAGE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection within pool_timeout
    ConnectionError,
)
