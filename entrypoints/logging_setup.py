"""JSON-lines logs that carry the request id. Bodies, headers and tokens are never logged."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# Third-party loggers that print what passes through them. They never go below these
# floors, whatever the configured level: no level may log credentials, hashes or tokens.
DRIVER_LOG_FLOORS = {
    # Every statement with its parameters at DEBUG: password hashes, e-mails, refresh-token
    # digests. SQLAlchemy's hide_parameters does not reach the driver's own logger.
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,  # the other driver, held alike
    "sqlalchemy.engine": logging.WARNING,  # result rows at DEBUG (SQLAlchemy's own default)
    "sqlalchemy.pool": logging.WARNING,
    # uvicorn hands "uvicorn.error" to websockets, which logs frames (payloads) at DEBUG,
    # and below DEBUG (TRACE) uvicorn adds "uvicorn.asgi": every scope, query string included.
    "uvicorn.error": logging.INFO,  # start-up, shutdown and errors are INFO and above
    "uvicorn.asgi": logging.WARNING,
    "websockets": logging.WARNING,
}

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

# Record attributes that are not extra fields (uvicorn adds an ANSI-coloured duplicate).
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class WithoutQueryStrings(logging.Filter):
    """uvicorn logs each WebSocket handshake at INFO as `"WebSocket /path?query" [accepted]`
    (or 403): the query may hold a chat ticket (`?ticket=`), usable until it is redeemed.
    Its arguments keep their path and lose the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and "WebSocket" in str(record.msg):
            record.args = tuple(
                arg.partition("?")[0] if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name, floor in DRIVER_LOG_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
    # uvicorn's own access log prints raw paths and query strings; ours is below.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    uvicorn_error = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, WithoutQueryStrings) for f in uvicorn_error.filters):
        uvicorn_error.addFilter(WithoutQueryStrings())
