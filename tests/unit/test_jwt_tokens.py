"""The PyJWT adapter itself, and the use cases on it where the JWT matters.

The other unit tests use tests/support/fakes.py's FakeTokenService; attacks on the tokens
over HTTP (alg=none, other algorithms, tampered claims...) are tests/http/test_jwt_attacks.py.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import jwt
import pytest

from adapters.security.accounts.jwt_tokens import REQUIRED_CLAIMS, PyJwtTokenService
from domain.accounts.errors import InvalidToken
from domain.shared.roles import Role
from tests.support.clock import ManualClock
from tests.unit.conftest import SECRET, Accounts

OTHER_KEY = "another-secret-key-that-is-long-enough-987654"


@pytest.fixture
def tokens(clock: ManualClock) -> PyJwtTokenService:
    """Overrides the fake of tests/unit/conftest.py: `accounts` issues real JWTs here."""
    return PyJwtTokenService(SECRET, clock)


async def test_a_token_signed_with_another_key_is_refused(accounts: Accounts) -> None:
    user = await accounts.register("alice")
    session_id = (await accounts.actor_for(await accounts.sign_in("alice"))).session_id
    forger = PyJwtTokenService(OTHER_KEY, accounts.clock)
    forged = forger.issue_access(user.id, Role.ADMIN, session_id).token

    with pytest.raises(InvalidToken):
        await accounts.use_cases.authenticate().execute(forged)


async def test_access_token_expiry_follows_the_injected_clock(accounts: Accounts) -> None:
    """Time comes from the Clock port; an access token lives 15 minutes of *that* clock."""
    await accounts.register("alice")
    pair = await accounts.sign_in("alice")
    assert await accounts.actor_for(pair)

    accounts.clock.advance(minutes=16)

    with pytest.raises(InvalidToken):
        await accounts.actor_for(pair)


def test_issue_then_decode_gives_back_the_claims(
    tokens: PyJwtTokenService, clock: ManualClock
) -> None:
    issued = tokens.issue_access("u-1", Role.ADMIN, "s-1")

    claims = tokens.decode_access(issued.token)

    assert (claims.user_id, claims.role, claims.session_id) == ("u-1", Role.ADMIN, "s-1")
    assert claims.token_id
    assert issued.expires_in == 15 * 60
    expected = clock.now() + timedelta(minutes=15)
    assert abs(claims.expires_at - expected) < timedelta(seconds=1)  # whole seconds in a JWT
    raw = jwt.decode(issued.token, options={"verify_signature": False})
    assert set(REQUIRED_CLAIMS) <= raw.keys()
    assert jwt.get_unverified_header(issued.token)["alg"] == "HS256"


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
def test_decode_refuses_malformed_tokens(tokens: PyJwtTokenService, token: str) -> None:
    with pytest.raises(InvalidToken):
        tokens.decode_access(token)


def test_a_token_seen_before_is_refused_once_expired(
    tokens: PyJwtTokenService, clock: ManualClock
) -> None:
    """The cache of verified tokens skips the signature, never the expiry."""
    token = tokens.issue_access("u-1", Role.USER, "s-1").token
    assert tokens.decode_access(token).user_id == "u-1"
    clock.advance(minutes=14, seconds=58)
    assert tokens.decode_access(token).user_id == "u-1"

    clock.advance(seconds=3)

    with pytest.raises(InvalidToken):
        tokens.decode_access(token)


def test_refresh_tokens_are_random_and_stored_as_their_sha256(
    tokens: PyJwtTokenService,
) -> None:
    first, second = tokens.new_refresh_token(), tokens.new_refresh_token()

    assert first != second
    assert len(first) >= 43  # 32 random bytes, base64url
    assert tokens.hash_refresh_token(first) == hashlib.sha256(first.encode()).hexdigest()
    assert len(tokens.hash_refresh_token("\ud800")) == 64  # any text hashes, even this
