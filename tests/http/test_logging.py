"""Passwords and tokens never reach the logs, whatever the route and outcome."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from entrypoints.http.app import create_app
from entrypoints.logging_setup import JsonFormatter
from tests.http.conftest import MEMORY_AND_SQLITE, make_container

SECRET_PASSWORD = "s3cret-Pass-phrase-XYZZY"
NEW_PASSWORD = "an0ther-Pass-phrase-PLUGH"
WRONG_PASSWORD = "wr0ng-Pass-phrase-FROTZ"


@pytest.fixture
async def logged_client(
    tmp_path: Path, sqlite_template: Path, storage: str
) -> AsyncIterator[httpx.AsyncClient]:
    """Like `client`, but with the access log on, as in production."""
    container = make_container(tmp_path, sqlite_template, storage, access_log=True)
    transport = httpx.ASGITransport(app=create_app(container), client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    if storage != "memory":
        await container.engine().dispose()


CLIENT_LOGGERS = ("httpx", "httpcore")  # the test's own HTTP client, not the server


def server_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS)]


def rendered(record: logging.LogRecord) -> str:
    """Everything a handler could write: message, every attribute, the JSON line."""
    parts = [record.getMessage(), JsonFormatter().format(record)]
    parts += [repr(value) for value in vars(record).values()]
    return "\n".join(parts)


# On SQLite too: there the database layer's loggers (SQLAlchemy, aiosqlite) log as well.
@pytest.mark.parametrize("storage", MEMORY_AND_SQLITE, indirect=True)
async def test_no_secret_is_logged(
    logged_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = logged_client
    caplog.set_level(logging.DEBUG)
    creds = {"username": "alice", "password": SECRET_PASSWORD}

    assert (await client.post("/register", json=creds)).status_code == 201
    await client.post("/register", json=creds)  # 409
    await client.post("/register", json={"username": "bob", "password": "iloveyou"})  # 422
    await client.post("/login", json={"username": "alice", "password": WRONG_PASSWORD})
    await client.post("/login", json={"username": "nobody", "password": WRONG_PASSWORD})
    first = (await client.post("/login", data={"grant_type": "password", **creds})).json()
    rotated = (
        await client.post("/token/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    await client.post("/token/refresh", json={"refresh_token": first["refresh_token"]})  # reuse
    second = (await client.post("/login", json=creds)).json()
    auth = {"Authorization": f"Bearer {second['access_token']}"}
    assert (await client.get("/users/me", headers=auth)).status_code == 200
    await client.get("/users/me", params={"token": second["access_token"]})
    await client.get("/users/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    await client.put(
        "/users/me/password",
        json={"current_password": WRONG_PASSWORD, "new_password": NEW_PASSWORD},
        headers=auth,
    )
    changed = await client.put(
        "/users/me/password",
        json={"current_password": SECRET_PASSWORD, "new_password": NEW_PASSWORD},
        headers=auth,
    )
    assert changed.status_code == 204
    await client.post("/logout", headers=auth)

    secrets = [
        SECRET_PASSWORD,
        NEW_PASSWORD,
        WRONG_PASSWORD,
        "iloveyou",
        *first.values(),
        *rotated.values(),
        *second.values(),
    ]
    secrets = [s for s in secrets if isinstance(s, str) and s != "bearer"]
    access_lines = [r for r in caplog.records if r.name == "caseworks.access"]
    assert len(access_lines) >= 14  # the requests were logged: the check below means something
    for record in server_records(caplog):
        text = rendered(record)
        for secret in secrets:
            assert secret not in text, f"{record.name}: {record.getMessage()!r} leaks a secret"


async def test_access_log_has_path_and_status_but_no_query(
    logged_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await logged_client.get("/users/me", params={"access_token": "QUERY-SECRET"})

    [record] = [r for r in caplog.records if r.name == "caseworks.access"]
    assert all("QUERY-SECRET" not in rendered(r) for r in server_records(caplog))
    assert record.path == "/users/me"  # type: ignore[attr-defined]
    assert record.status == 401  # type: ignore[attr-defined]
    assert "QUERY-SECRET" not in rendered(record)
