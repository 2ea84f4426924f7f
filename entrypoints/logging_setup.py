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


class RequestIdFilter(logging.Filter):
    """Stamps a record with the id of the request it was logged in (RequestContextMiddleware
    sets it for the request's task, and tasks copy it), when the record is made: a storage
    error's line then carries the same id as the request's access line, even through a
    handler that formats later in another thread (a QueueHandler's listener)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request_id = request_id_var.get()
            if request_id is not None:
                record.request_id = request_id
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _NoWebSocketHandshakes(logging.Filter):
    """uvicorn logs each WebSocket handshake ('... "WebSocket /ws/chat?ticket=…" [accepted]')
    with its query string, where a chat ticket travels; our access log has the same line
    with the path alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith('%s - "WebSocket %s"')


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
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
    handshakes = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _NoWebSocketHandshakes) for f in handshakes.filters):
        handshakes.addFilter(_NoWebSocketHandshakes())
