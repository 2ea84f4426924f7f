"""What the clinic's route modules share: paging parameters, typed query values, and the
request id audit events carry."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BeforeValidator

from application.shared.ids import ID_PATTERN
from application.shared.paging import MAX_LIMIT, MAX_OFFSET
from entrypoints.logging_setup import request_id_var

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def _iso_instant(value: object) -> object:
    """ISO 8601 only: pydantic would also take a number as a Unix time."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)  # ValueError: a 422
    raise ValueError("an ISO 8601 date-time with a UTC offset")


Instant = Annotated[datetime | None, BeforeValidator(_iso_instant)]
QueryId = Annotated[str | None, Query(json_schema_extra={"pattern": ID_PATTERN})]


def request_id() -> str | None:
    """This request's id (X-Request-ID), set by RequestContextMiddleware: audit events
    carry it, so a log line and an audit event of one request can be matched."""
    return request_id_var.get()
