"""A memory-storage server can have an admin: CASEWORKS_ADMIN_* creates one at start-up."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Server

PASSWORD = "correct horse battery staple"


@pytest.fixture
def server_env(server_env: dict[str, str]) -> dict[str, str]:
    return {
        **server_env,
        "CASEWORKS_STORAGE": "memory",
        "CASEWORKS_ADMIN_USERNAME": "root",
        "CASEWORKS_ADMIN_PASSWORD": PASSWORD,
    }


def test_the_configured_admin_can_use_admin_routes(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        tokens = client.post("/login", json={"username": "root", "password": PASSWORD}).json()
        users = client.get("/users", headers={"Authorization": f"Bearer {tokens['access_token']}"})

    assert users.status_code == 200
    assert [(u["username"], u["role"]) for u in users.json()] == [("root", "admin")]
    assert PASSWORD not in server.stderr_path.read_text()
