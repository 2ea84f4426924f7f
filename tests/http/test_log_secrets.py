"""At DEBUG, as configured by the app, no log line carries credentials, hashes or tokens.

Unlike test_logging.py (caplog), this goes through configure_logging itself, so the levels
it gives the database drivers' loggers are the ones under test.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator

import httpx
import pytest

from entrypoints.logging_setup import JsonFormatter, configure_logging
from tests.http.conftest import MEMORY_AND_SQLITE, bearer, login

PASSWORD = "s3cret-Pass-phrase-XYZZY"
NEW_PASSWORD = "an0ther-Pass-phrase-PLUGH"
EMAIL = "alice.secret-mailbox@example.org"


class Capture(logging.Handler):
    """Keeps every record as the app would write it, plus its raw message and arguments."""

    def __init__(self) -> None:
        super().__init__(level=1)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{self.format(record)}\n{record.msg!r}\n{record.args!r}")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Every logger's level, handlers and flags are put back afterwards: others rely on them."""
    saved = [(lg, lg.level, lg.handlers[:], lg.propagate, lg.disabled) for lg in _loggers()]
    try:
        yield
    finally:
        for lg, level, handlers, propagate, disabled in saved:
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate, lg.disabled = propagate, disabled
        for lg in _loggers():  # created during the test: back to the defaults
            if all(lg is not entry[0] for entry in saved):
                lg.setLevel(logging.NOTSET)
                lg.handlers[:], lg.propagate, lg.disabled = [], True, False


@pytest.fixture
def captured(restored_logging: None) -> Capture:
    """configure_logging("DEBUG") as the app does, and a capture of everything at the root."""
    configure_logging("DEBUG")
    capture = Capture()
    logging.getLogger().addHandler(capture)
    return capture


def _loggers() -> list[logging.Logger]:
    named = logging.Logger.manager.loggerDict.values()
    return [logging.getLogger(), *(lg for lg in named if isinstance(lg, logging.Logger))]


# On SQLite too: the database drivers' loggers are part of what is under test.
@pytest.mark.parametrize("storage", MEMORY_AND_SQLITE, indirect=True)
async def test_debug_logs_carry_no_credentials_hashes_or_tokens(
    client: httpx.AsyncClient, captured: Capture, storage: str
) -> None:
    body = {"username": "alice", "password": PASSWORD, "email": EMAIL}
    assert (await client.post("/register", json=body)).status_code == 201
    first = await login(client, "alice", PASSWORD)
    refreshed = await client.post("/token/refresh", json={"refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    tokens = refreshed.json()
    changed = await client.put(
        "/users/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(tokens),
    )
    assert changed.status_code == 204, changed.text
    again = await login(client, "alice", NEW_PASSWORD)
    todo = await client.post("/todos/", json={"task": "buy milk"}, headers=bearer(again))
    assert todo.status_code == 201, todo.text

    # DEBUG really is on and the capture sees it: the check below means something.
    assert logging.getLogger("caseworks").isEnabledFor(logging.DEBUG)
    assert captured.lines
    secrets = [PASSWORD, NEW_PASSWORD, EMAIL, "$argon2"]
    for pair in (first, tokens, again):
        refresh = pair["refresh_token"]
        secrets += [pair["access_token"], refresh, hashlib.sha256(refresh.encode()).hexdigest()]
    for line in captured.lines:
        for secret in secrets:
            assert secret not in line, f"{storage}: a log line leaks {secret[:12]}...: {line}"


@pytest.mark.parametrize("level", ["NOTSET", "DEBUG", "INFO", "ERROR"])
def test_drivers_stay_quiet_at_every_level(level: str, restored_logging: None) -> None:
    configure_logging(level)
    floor = max(logging.WARNING, logging.getLogger().level)  # never below WARNING, nor root
    for name in ("aiosqlite", "asyncpg", "sqlalchemy.engine.Engine", "websockets.server"):
        assert logging.getLogger(name).getEffectiveLevel() >= floor, name
    # uvicorn logs WebSocket frames at DEBUG, and at TRACE wraps the app in its ASGI logger.
    assert not logging.getLogger("uvicorn.error").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("uvicorn.asgi").isEnabledFor(logging.INFO)


def test_uvicorns_websocket_handshake_lines_never_carry_a_ticket(captured: Capture) -> None:
    # uvicorn's own line for a handshake, exactly as its websockets protocol logs it.
    ticket = "TVrSf_0kY0ug_MKzJ3MhDOiJYo7kd0PHF6E4cCcVK2M"
    handshake = logging.getLogger("uvicorn.error")
    handshake.info('%s - "WebSocket %s" [accepted]', "127.0.0.1:5000", f"/ws/chat?ticket={ticket}")
    handshake.info('%s - "WebSocket %s" %d', "127.0.0.1:5000", f"/ws/chat?ticket={ticket}", 403)
    handshake.info("Uvicorn running on %s", "http://127.0.0.1:8000")  # the rest still logs
    assert not any(ticket in line for line in captured.lines)
    assert any("Uvicorn running" in line for line in captured.lines)
