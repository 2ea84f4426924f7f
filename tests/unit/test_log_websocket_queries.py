"""uvicorn's own line for each WebSocket handshake keeps its path, never its query (a chat
ticket travels in `?ticket=`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from entrypoints.logging_setup import JsonFormatter, configure_logging


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def uvicorn_error() -> Iterator[logging.Logger]:
    """configure_logging's changes, undone afterwards (logging is global)."""
    root, logger = logging.getLogger(), logging.getLogger("uvicorn.error")
    saved = (root.handlers[:], root.level, logger.filters[:], logger.level)
    yield logger
    root.handlers[:], root.level, logger.filters[:] = saved[0], saved[1], saved[2]
    logger.setLevel(saved[3])


def test_uvicorns_websocket_lines_lose_their_query(uvicorn_error: logging.Logger) -> None:
    configure_logging("INFO")
    configure_logging("INFO")  # twice (the CLI, then a worker): one filter, not two
    assert len(uvicorn_error.filters) == 1
    kept = Kept()
    uvicorn_error.addHandler(kept)
    try:
        uvicorn_error.info(
            '%s - "WebSocket %s" [accepted]', "127.0.0.1:5000", "/ws/rooms/r1?ticket=SECRET-T"
        )
        uvicorn_error.info('%s - "WebSocket %s" %d', "127.0.0.1:5000", "/ws/chat?ticket=X2", 403)
    finally:
        uvicorn_error.removeHandler(kept)
    assert '"WebSocket /ws/rooms/r1\\" [accepted]' in kept.lines[0]
    assert '"WebSocket /ws/chat\\" 403' in kept.lines[1]
    assert not any("SECRET-T" in line or "X2" in line for line in kept.lines)
