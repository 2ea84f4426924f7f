from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import jwt

from application.accounts.ports import AccessClaims, IssuedAccessToken, TokenService
from application.shared.ports import Clock
from domain.accounts.errors import InvalidToken
from domain.shared.roles import Role

ALGORITHM = "HS256"
CLOCK_SKEW_SECONDS = 30
VERIFIED_CACHE_SIZE = 10_000
REQUIRED_CLAIMS = ["sub", "exp", "iat", "iss", "aud", "jti", "typ", "sid", "role"]


class PyJwtTokenService(TokenService):
    """HS256 access tokens with a pinned algorithm and every claim required.

    Refresh tokens are opaque random strings; only their SHA-256 is ever stored (they are
    256-bit random, so a fast hash is enough: there is nothing to brute-force).
    """

    def __init__(
        self,
        secret_key: str,
        clock: Clock,
        issuer: str = "caseworks",
        audience: str = "caseworks-api",
        access_token_minutes: int = 15,
    ) -> None:
        self._key = secret_key
        self._clock = clock
        self._issuer = issuer
        self._audience = audience
        self._ttl = timedelta(minutes=access_token_minutes)
        self._verified: dict[str, AccessClaims] = {}

    def issue_access(self, user_id: str, role: Role, session_id: str) -> IssuedAccessToken:
        now = self._clock.now()
        claims = {
            "sub": user_id,
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl).timestamp()),
            "iss": self._issuer,
            "aud": self._audience,
            "jti": secrets.token_hex(16),
            "typ": "access",
            "sid": session_id,
            "role": role.value,
        }
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM)
        return IssuedAccessToken(token, int(self._ttl.total_seconds()))

    def decode_access(self, token: str) -> AccessClaims:
        # A token seen and verified before is the same string byte for byte: skip the HMAC
        # and JSON work, but never the expiry (revocation is the session check's job).
        known = self._verified.get(token)
        if known is not None and known.expires_at > self._clock.now():
            return known
        claims = self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            del self._verified[next(iter(self._verified))]  # oldest first
        self._verified[token] = claims
        return claims

    def _verify(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                # Time is checked below against our Clock, not PyJWT's wall clock.
                options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
            )
            if claims["typ"] != "access":
                raise InvalidToken("not an access token")
            self._check_times(claims["iat"], claims["exp"])
            return AccessClaims(
                user_id=_text(claims["sub"]),
                role=Role(claims["role"]),
                session_id=_text(claims["sid"]),
                token_id=_text(claims["jti"]),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError, OverflowError) as exc:
            raise InvalidToken("access token is invalid or expired") from exc

    def _check_times(self, issued_at: object, expires_at: object) -> None:
        if not isinstance(issued_at, int | float) or not isinstance(expires_at, int | float):
            raise InvalidToken("iat and exp must be numeric dates")
        now = self._clock.now().timestamp()
        if expires_at <= now:
            raise InvalidToken("access token has expired")
        if issued_at > now + CLOCK_SKEW_SECONDS:
            raise InvalidToken("access token is issued in the future")

    def new_refresh_token(self) -> str:
        return secrets.token_urlsafe(32)

    def hash_refresh_token(self, token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("claim must be a non-empty string")
    return value
