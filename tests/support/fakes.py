"""Fakes of the security ports, for unit tests where the real adapters add nothing.

They keep the ports' contracts (a hash never equals the password, verify tells a right
password from a wrong one, tokens expire by the injected clock, a refresh token is stored
only as a hash) without argon2's work or PyJWT's signing. What is really about argon2 or
PyJWT is tested on the real adapters: tests/unit/test_argon2_hasher.py,
tests/unit/test_jwt_tokens.py and tests/http/test_jwt_attacks.py.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from datetime import UTC, datetime, timedelta

from application.accounts.ports import (
    AccessClaims,
    IssuedAccessToken,
    PasswordHasher,
    TokenService,
)
from application.shared.ports import Clock
from domain.accounts.errors import InvalidToken
from domain.shared.roles import Role


class FakePasswordHasher(PasswordHasher):
    """`fake$<version>$<password>`: a hash made with another `version` needs a rehash,
    as an argon2 hash made with other parameters does."""

    def __init__(self, version: str = "v1") -> None:
        self.version = version
        self.dummy_verifies = 0

    def _prefix(self) -> str:
        return f"fake${self.version}$"

    async def hash(self, password: str) -> str:
        return self._prefix() + password

    async def verify(self, password_hash: str, password: str) -> bool:
        scheme, _, rest = password_hash.partition("$")
        _version, sep, hashed = rest.partition("$")
        return scheme == "fake" and sep == "$" and hashed == password

    async def verify_dummy(self, password: str) -> None:
        self.dummy_verifies += 1

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(self._prefix())


class FakeTokenService(TokenService):
    """Access tokens are `fake-access.<key>.<claims as base64 JSON>`: readable, "signed"
    by naming the key, and checked against the injected clock like the real ones."""

    PREFIX = "fake-access"

    def __init__(self, clock: Clock, key: str = "unit", access_token_minutes: int = 15) -> None:
        self._clock = clock
        self._key = key
        self._ttl = timedelta(minutes=access_token_minutes)

    def issue_access(self, user_id: str, role: Role, session_id: str) -> IssuedAccessToken:
        claims = {
            "sub": user_id,
            "role": role.value,
            "sid": session_id,
            "jti": secrets.token_hex(8),
            "exp": (self._clock.now() + self._ttl).timestamp(),
        }
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode()
        return IssuedAccessToken(
            f"{self.PREFIX}.{self._key}.{payload}", int(self._ttl.total_seconds())
        )

    def decode_access(self, token: str) -> AccessClaims:
        prefix, _, rest = token.partition(".")
        key, _, payload = rest.partition(".")
        if prefix != self.PREFIX or key != self._key:
            raise InvalidToken("not an access token of this service")
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload.encode()))
            expires_at = datetime.fromtimestamp(claims["exp"], UTC)
            decoded = AccessClaims(
                user_id=claims["sub"],
                role=Role(claims["role"]),
                session_id=claims["sid"],
                token_id=claims["jti"],
                expires_at=expires_at,
            )
        except (binascii.Error, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken("access token is malformed") from exc
        if expires_at <= self._clock.now():
            raise InvalidToken("access token has expired")
        return decoded

    def new_refresh_token(self) -> str:
        return f"fake-refresh-{secrets.token_urlsafe(16)}"

    def hash_refresh_token(self, token: str) -> str:
        return f"fake-hash:{token}"
