"""Forged, stale and misused access tokens against GET /users/me: every one is a 401."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
import pytest

from adapters.security.accounts.jwt_tokens import REQUIRED_CLAIMS
from entrypoints.container import Container
from tests.http.conftest import SECRET, assert_unauthorized, login, register
from tests.support.clock import ManualClock

WRONG_KEY = "another-secret-key-that-is-long-enough-9876543210"


@pytest.fixture
async def tokens(client: httpx.AsyncClient) -> dict[str, Any]:
    await register(client, "alice")
    return await login(client, "alice")


@pytest.fixture
def claims(tokens: dict[str, Any]) -> dict[str, Any]:
    """The claim set of a real token (so sub and sid are real), with fresh times."""
    real = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    now = int(time.time())
    return {**real, "iat": now, "exp": now + 600, "jti": "forged-jti"}


def forge(claims: dict[str, Any], key: str = SECRET, **header: Any) -> str:
    return jwt.encode(claims, key, algorithm="HS256", headers=header or None)


async def me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/users/me", headers={"Authorization": f"Bearer {token}"})


def b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_control_a_well_forged_token_is_accepted(
    client: httpx.AsyncClient, claims: dict[str, Any]
) -> None:
    """Proves the forgeries below fail for the one property each changes."""
    assert set(REQUIRED_CLAIMS) <= claims.keys()
    response = await me(client, forge(claims))
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


async def test_alg_none_is_rejected(client: httpx.AsyncClient, claims: dict[str, Any]) -> None:
    token = jwt.encode(claims, None, algorithm="none")
    assert_unauthorized(await me(client, token))
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    assert_unauthorized(await me(client, unsigned))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
async def test_other_algorithms_are_rejected(
    client: httpx.AsyncClient, claims: dict[str, Any], algorithm: str
) -> None:
    assert_unauthorized(await me(client, jwt.encode(claims, SECRET, algorithm=algorithm)))


async def test_wrong_key_is_rejected(client: httpx.AsyncClient, claims: dict[str, Any]) -> None:
    assert_unauthorized(await me(client, forge(claims, WRONG_KEY)))


async def test_expired_token_is_rejected(client: httpx.AsyncClient, claims: dict[str, Any]) -> None:
    past = int(time.time()) - 3600
    assert_unauthorized(await me(client, forge({**claims, "iat": past - 900, "exp": past})))


async def test_just_expired_token_is_rejected(
    client: httpx.AsyncClient, claims: dict[str, Any]
) -> None:
    now = int(time.time())
    assert_unauthorized(await me(client, forge({**claims, "iat": now - 900, "exp": now - 2})))


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "someone-else"),
        ("aud", "another-api"),
        ("aud", ["another-api"]),
        ("typ", "refresh"),
        ("typ", "Access"),
        ("role", "superuser"),
        ("sid", "no-such-session"),
        ("sub", "no-such-user"),
        ("sub", 12345),
        ("sid", ""),
        ("exp", "tomorrow"),
        ("iat", "yesterday"),
    ],
)
async def test_wrong_claim_values_are_rejected(
    client: httpx.AsyncClient, claims: dict[str, Any], claim: str, value: Any
) -> None:
    assert_unauthorized(await me(client, forge({**claims, claim: value})))


@pytest.mark.parametrize(("iat_offset", "exp_offset"), [(3600, 4200), (-600, -1), (-1200, -600)])
async def test_token_times_are_checked(
    client: httpx.AsyncClient, claims: dict[str, Any], iat_offset: int, exp_offset: int
) -> None:
    now = int(time.time())
    forged = {**claims, "iat": now + iat_offset, "exp": now + exp_offset}
    assert_unauthorized(await me(client, forge(forged)))


@pytest.mark.parametrize("exp", [10**20, 1e300, float("inf")], ids=["1e20", "1e300", "inf"])
async def test_absurd_expiry_in_a_signed_token_is_401_not_500(
    client: httpx.AsyncClient, claims: dict[str, Any], exp: float
) -> None:
    """Only a key holder can sign these, but odd input must never be a 500."""
    assert_unauthorized(await me(client, forge({**claims, "exp": exp})))


@pytest.mark.parametrize("claim", REQUIRED_CLAIMS)
async def test_each_required_claim_is_required(
    client: httpx.AsyncClient, claims: dict[str, Any], claim: str
) -> None:
    incomplete = {k: v for k, v in claims.items() if k != claim}
    assert_unauthorized(await me(client, forge(incomplete)))


async def test_another_users_session_id_is_rejected(
    client: httpx.AsyncClient, claims: dict[str, Any]
) -> None:
    await register(client, "bob")
    bob = await login(client, "bob")
    bob_sid = jwt.decode(bob["access_token"], options={"verify_signature": False})["sid"]
    assert_unauthorized(await me(client, forge({**claims, "sid": bob_sid})))


async def test_tampered_payload_character_is_rejected(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    header, payload, signature = tokens["access_token"].split(".")
    middle = len(payload) // 2
    flipped = "A" if payload[middle] != "A" else "B"
    tampered = payload[:middle] + flipped + payload[middle + 1 :]
    assert_unauthorized(await me(client, f"{header}.{tampered}.{signature}"))


async def test_payload_swapped_for_admin_is_rejected(
    client: httpx.AsyncClient, tokens: dict[str, Any], claims: dict[str, Any]
) -> None:
    header, _, signature = tokens["access_token"].split(".")
    escalated = b64({**claims, "role": "admin"})
    assert_unauthorized(await me(client, f"{header}.{escalated}.{signature}"))
    assert_unauthorized(
        await client.get(
            "/users", headers={"Authorization": f"Bearer {header}.{escalated}.{signature}"}
        )
    )


async def test_refresh_token_as_bearer_is_rejected(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    assert_unauthorized(await me(client, tokens["refresh_token"]))


async def test_token_revoked_by_logout_is_rejected(
    client: httpx.AsyncClient, tokens: dict[str, Any], claims: dict[str, Any]
) -> None:
    assert (await me(client, tokens["access_token"])).status_code == 200
    await client.post("/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert_unauthorized(await me(client, tokens["access_token"]))
    assert_unauthorized(await me(client, forge(claims)))  # a fresh forgery of that session too


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer garbage",
        "Bearer a.b.c",
        "Bearer ....",
        "Bearer " + "x" * 5000,
        "Bearer",
        "Bearer ",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
        "Token abc",
        "",
    ],
)
async def test_garbage_authorization_is_rejected(
    client: httpx.AsyncClient, authorization: str
) -> None:
    response = await client.get("/users/me", headers={"Authorization": authorization})
    assert_unauthorized(response)


async def test_valid_token_under_basic_scheme_is_rejected(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    response = await client.get(
        "/users/me", headers={"Authorization": f"Basic {tokens['access_token']}"}
    )
    assert_unauthorized(response)


async def test_token_in_the_query_string_is_not_accepted(
    client: httpx.AsyncClient, tokens: dict[str, Any]
) -> None:
    response = await client.get("/users/me", params={"access_token": tokens["access_token"]})
    assert_unauthorized(response)


async def test_every_rejection_is_the_same_problem(
    client: httpx.AsyncClient, claims: dict[str, Any]
) -> None:
    bodies = [
        assert_unauthorized(await me(client, token))
        for token in (forge(claims, WRONG_KEY), forge({**claims, "exp": 1}), "garbage")
    ]
    assert {body["code"] for body in bodies} == {"invalid_token"}


async def test_a_token_used_while_valid_is_rejected_once_expired(
    client: httpx.AsyncClient, container: Container
) -> None:
    """Expiry holds even for a token the server has already seen and accepted."""
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(clock)  # before the first request builds the token service
    await register(client, "bob")
    tokens = await login(client, "bob")
    assert (await me(client, tokens["access_token"])).status_code == 200

    clock.advance(minutes=14, seconds=58)
    assert (await me(client, tokens["access_token"])).status_code == 200
    clock.advance(seconds=3)

    assert_unauthorized(await me(client, tokens["access_token"]))
    refreshed = await client.post("/token/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200  # the session itself lives on
