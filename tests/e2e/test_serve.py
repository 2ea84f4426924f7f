"""The real server over real HTTP: sign up, log in, rotate, log out; and create-admin."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Server, run_cli

PASSWORD = "correct horse battery staple"


def test_account_lifecycle_over_real_http(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        registered = http.post("/register", json={"username": "alice", "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        assert registered.headers["location"].endswith(f"/users/{registered.json()['id']}")

        login = http.post(
            "/login", data={"grant_type": "password", "username": "alice", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        assert login.headers["x-request-id"]
        first = login.json()

        refreshed = http.post("/token/refresh", json={"refresh_token": first["refresh_token"]})
        assert refreshed.status_code == 200, refreshed.text
        tokens = refreshed.json()
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}

        me = http.get("/users/me", headers={**auth, "X-Request-ID": "e2e-trace-1"})
        assert me.status_code == 200
        assert me.json()["username"] == "alice"
        assert me.headers["x-request-id"] == "e2e-trace-1"

        assert http.post("/logout", headers=auth).status_code == 204

        rejected = http.get("/users/me", headers=auth)
        assert rejected.status_code == 401
        assert rejected.headers["www-authenticate"] == "Bearer"
        assert rejected.headers["content-type"].startswith("application/problem+json")

    lines = server.log_lines()
    assert lines
    entries = [json.loads(line) for line in lines]  # every stderr line is one JSON object
    assert all(isinstance(entry, dict) and "msg" in entry for entry in entries)
    traced = [e for e in entries if e.get("request_id") == "e2e-trace-1"]
    assert traced
    assert any(e.get("path") == "/users/me" and e.get("status") == 200 for e in traced)
    log_text = "\n".join(lines)
    secrets = [PASSWORD, first["access_token"], first["refresh_token"]]
    secrets += [tokens["access_token"], tokens["refresh_token"]]
    for secret in secrets:
        assert secret not in log_text


def test_secret_file_is_created_owner_only(server: Server, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    assert secret.exists()
    assert secret.stat().st_mode & 0o077 == 0
    assert len(secret.read_text().strip()) >= 32


def test_create_admin_reads_the_password_from_stdin(
    tmp_path: Path, server_env: dict[str, str]
) -> None:
    created = run_cli(["create-admin", "root"], server_env, tmp_path, stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert "created admin root" in created.stdout
    assert PASSWORD not in created.stdout + created.stderr

    again = run_cli(["create-admin", "ROOT"], server_env, tmp_path, stdin=PASSWORD + "\n")
    assert again.returncode == 1
    assert "taken" in again.stderr

    weak = run_cli(["create-admin", "boss"], server_env, tmp_path, stdin="iloveyou\n")
    assert weak.returncode == 1


def test_the_created_admin_can_list_users(
    tmp_path: Path, server_env: dict[str, str], request: pytest.FixtureRequest
) -> None:
    created = run_cli(["create-admin", "root"], server_env, tmp_path, stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    server: Server = request.getfixturevalue("server")  # start it after the admin exists

    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        http.post("/register", json={"username": "alice", "password": PASSWORD})
        login = http.post("/login", json={"username": "root", "password": PASSWORD})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

        users = http.get("/users", headers=auth)

        assert users.status_code == 200, users.text
        roles = {u["username"]: u["role"] for u in users.json()}
        assert roles == {"root": "admin", "alice": "user"}
        alice = http.post("/login", json={"username": "alice", "password": PASSWORD}).json()
        forbidden = http.get("/users", headers={"Authorization": f"Bearer {alice['access_token']}"})
        assert forbidden.status_code == 403


def test_memory_storage_refuses_several_workers(tmp_path: Path) -> None:
    env = {**os.environ, "CASEWORKS_STORAGE": "memory", "CASEWORKS_SECRET_KEY": "k" * 40}
    result = run_cli(["serve", "--workers", "2"], env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "--workers 1" in result.stderr


def test_production_refuses_a_missing_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORKS_")}
    env["CASEWORKS_ENV"] = "production"
    result = run_cli(["serve"], env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "CASEWORKS_SECRET_KEY is required" in result.stderr
    assert not (tmp_path / ".caseworks-secret").exists()
