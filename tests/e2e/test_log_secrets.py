"""The real server at CASEWORKS_LOG_LEVEL=DEBUG on SQLite: its stderr carries no secrets."""

from __future__ import annotations

import hashlib

import httpx

from tests.e2e.conftest import Server

PASSWORD = "s3cret-Pass-phrase-XYZZY"
NEW_PASSWORD = "an0ther-Pass-phrase-PLUGH"
EMAIL = "alice.secret-mailbox@example.org"


def test_debug_log_has_no_credentials_hashes_or_tokens(server: Server) -> None:
    pairs = []
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        body = {"username": "alice", "password": PASSWORD, "email": EMAIL}
        assert http.post("/register", json=body).status_code == 201
        login = http.post("/login", json={"username": "alice", "password": PASSWORD})
        assert login.status_code == 200, login.text
        pairs.append(login.json())
        refresh = {"refresh_token": pairs[0]["refresh_token"]}
        refreshed = http.post("/token/refresh", json=refresh)
        assert refreshed.status_code == 200, refreshed.text
        pairs.append(refreshed.json())
        auth = {"Authorization": f"Bearer {pairs[1]['access_token']}"}
        change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        assert http.put("/users/me/password", json=change, headers=auth).status_code == 204
        again = http.post("/login", json={"username": "alice", "password": NEW_PASSWORD})
        assert again.status_code == 200, again.text
        pairs.append(again.json())
        auth = {"Authorization": f"Bearer {pairs[2]['access_token']}"}
        assert http.post("/todos/", json={"task": "buy milk"}, headers=auth).status_code == 201

    log_text = "\n".join(server.log_lines())
    assert '"logger": "caseworks.access"' in log_text  # the server did log these requests
    secrets = [PASSWORD, NEW_PASSWORD, EMAIL, "$argon2"]
    for pair in pairs:
        refresh_token = pair["refresh_token"]
        digest = hashlib.sha256(refresh_token.encode()).hexdigest()
        secrets += [pair["access_token"], refresh_token, digest]
    for secret in secrets:
        assert secret not in log_text, f"the server log leaks {secret[:12]}..."
