"""The first admin from CASEWORKS_ADMIN_*, made when the app starts, on every storage."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict, Unpack

import httpx
import pytest

from entrypoints.container import build_container, close_resources
from entrypoints.http.app import create_app
from entrypoints.settings import ConfigurationError, Settings
from tests.http.conftest import MEMORY_AND_SQLITE, PASSWORD, app_settings, bearer, login
from tests.support.storage import sqlite_copy


class AdminConfig(TypedDict, total=False):
    """The CASEWORKS_ADMIN_* settings, as keyword arguments of Settings."""

    admin_username: str
    admin_password: str
    admin_password_file: str | Path


def settings_for(
    storage: str, tmp_path: Path, sqlite_template: Path, **admin: Unpack[AdminConfig]
) -> Settings:
    return app_settings(
        sqlite_copy(sqlite_template, tmp_path),
        storage="memory" if storage == "memory" else "sql",
        **admin,
    )


async def list_users_as(settings: Settings, username: str) -> httpx.Response:
    """Start the app (its lifespan runs), log in as `username`, list the users."""
    container = build_container(settings)
    app = create_app(container)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return await c.get("/users", headers=bearer(await login(c, username)))
    finally:
        await close_resources(container)


@pytest.mark.parametrize("storage", MEMORY_AND_SQLITE, indirect=True)
async def test_the_configured_admin_exists_after_start(
    storage: str, tmp_path: Path, sqlite_template: Path
) -> None:
    settings = settings_for(
        storage, tmp_path, sqlite_template, admin_username="root", admin_password=PASSWORD
    )
    response = await list_users_as(settings, "root")
    assert response.status_code == 200
    assert [(u["username"], u["role"]) for u in response.json()] == [("root", "admin")]


async def test_the_password_can_come_from_a_file(tmp_path: Path, sqlite_template: Path) -> None:
    secret_file = tmp_path / "admin-password"
    secret_file.write_text(PASSWORD + "\n", encoding="utf-8")
    settings = settings_for(
        "sqlite", tmp_path, sqlite_template, admin_username="root", admin_password_file=secret_file
    )
    assert (await list_users_as(settings, "root")).status_code == 200
    # A second start finds the admin and adds nobody.
    response = await list_users_as(settings, "root")
    assert len(response.json()) == 1


@pytest.mark.parametrize("storage", MEMORY_AND_SQLITE, indirect=True)
async def test_a_weak_admin_password_stops_the_start(
    storage: str, tmp_path: Path, sqlite_template: Path
) -> None:
    settings = settings_for(
        storage, tmp_path, sqlite_template, admin_username="root", admin_password="password"
    )
    with pytest.raises(ConfigurationError, match="common"):
        await list_users_as(settings, "root")


@pytest.mark.parametrize(
    "admin",
    [
        {"admin_password": PASSWORD},
        {"admin_username": "root"},
        {"admin_username": "root", "admin_password": PASSWORD, "admin_password_file": "x"},
    ],
)
def test_half_an_admin_configuration_is_refused(
    tmp_path: Path, sqlite_template: Path, admin: AdminConfig
) -> None:
    with pytest.raises(ConfigurationError, match="CASEWORKS_ADMIN"):
        build_container(settings_for("memory", tmp_path, sqlite_template, **admin))
