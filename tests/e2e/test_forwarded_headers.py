"""X-Forwarded-For is believed only from CASEWORKS_TRUSTED_PROXIES, so it cannot reset
the login throttle (5 failures per username and client address)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import running_server

PASSWORD = "correct horse battery staple"
WRONG = "not the right password at all"
MAX_FAILURES = 5  # the default CASEWORKS_LOGIN_MAX_FAILURES


@pytest.mark.parametrize(
    "extra_env",
    [
        pytest.param({}, id="default settings"),
        # uvicorn's own knob must not bring trust back behind our setting.
        pytest.param({"FORWARDED_ALLOW_IPS": "*"}, id="FORWARDED_ALLOW_IPS=*"),
        pytest.param({"CASEWORKS_TRUSTED_PROXIES": "10.9.8.7"}, id="another proxy trusted"),
    ],
)
def test_a_forged_forwarded_address_does_not_reset_the_throttle(
    tmp_path: Path, server_env: dict[str, str], extra_env: dict[str, str]
) -> None:
    with (
        running_server({**server_env, **extra_env}, tmp_path) as server,
        httpx.Client(base_url=server.base_url, timeout=10) as http,
    ):
        _register(http, "mallory-target")
        statuses = [
            _login(http, "mallory-target", forwarded_for=f"203.0.113.{attempt}")
            for attempt in range(MAX_FAILURES + 1)
        ]
    assert statuses == [401] * MAX_FAILURES + [429]


def test_a_trusted_proxy_forwarded_address_is_the_client(
    tmp_path: Path, server_env: dict[str, str]
) -> None:
    env = {**server_env, "CASEWORKS_TRUSTED_PROXIES": "127.0.0.1"}
    # 7 attempts in all: far from the per-account limit (20) across addresses.
    with (
        running_server(env, tmp_path) as server,
        httpx.Client(base_url=server.base_url, timeout=10) as http,
    ):
        _register(http, "alice")
        guesses = [_login(http, "alice", "198.51.100.1") for _ in range(MAX_FAILURES + 1)]
        elsewhere = _login(http, "alice", "198.51.100.2")
    assert guesses == [401] * MAX_FAILURES + [429]
    assert elsewhere == 401  # another client behind the proxy has its own throttle


def _register(http: httpx.Client, username: str) -> None:
    response = http.post("/register", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text


def _login(http: httpx.Client, username: str, forwarded_for: str) -> int:
    credentials = {"username": username, "password": WRONG}
    response = http.post("/login", json=credentials, headers={"X-Forwarded-For": forwarded_for})
    return response.status_code
