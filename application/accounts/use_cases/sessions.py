"""Using a login session: authenticate a request, rotate its refresh token, end it."""

from __future__ import annotations

from application.accounts.dto import TokenPair
from application.accounts.ports import AccountsUnitOfWork, TokenService
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.accounts.errors import InvalidToken
from domain.accounts.model import RefreshToken
from domain.shared.text import check_text


class Authenticate:
    """Turn an access token into an Actor with the user's current role; the session must
    still be active."""

    def __init__(self, uow: AccountsUnitOfWork, tokens: TokenService, clock: Clock) -> None:
        self._uow = uow
        self._tokens = tokens
        self._clock = clock

    async def execute(self, access_token: str) -> Actor:
        """`access_token` is "" when the request sent none."""
        if not access_token:
            raise InvalidToken("missing bearer token")
        claims = self._tokens.decode_access(access_token)
        async with self._uow.read() as uow:
            found = await uow.sessions.get_with_role(claims.session_id)
        if found is None:
            raise InvalidToken("the session of this token has ended")
        session, role = found
        if session.user_id != claims.user_id or not session.is_active(self._clock.now()):
            raise InvalidToken("the session of this token has ended")
        # The role stored now, not the token's claim: a role change applies to the next
        # request, and the session goes on (the claim only says what it was at issue).
        return Actor(claims.user_id, role, claims.session_id)


class RefreshTokens:
    def __init__(self, uow: AccountsUnitOfWork, tokens: TokenService, clock: Clock) -> None:
        self._uow = uow
        self._tokens = tokens
        self._clock = clock

    async def execute(self, refresh_token: str) -> TokenPair:
        check_text(refresh_token, "refresh_token")
        now = self._clock.now()
        token_hash = self._tokens.hash_refresh_token(refresh_token)
        new_refresh = self._tokens.new_refresh_token()
        async with self._uow.write() as uow:
            record = await uow.sessions.get_token_for_update(token_hash)
            session = await uow.sessions.get(record.session_id) if record else None
            if record is None or session is None or not session.is_active(now):
                raise InvalidToken("refresh token is invalid or expired")
            if record.was_rotated:
                # A rotated token came back: it was stolen or replayed. End the whole family.
                await uow.sessions.revoke(session.id, now)
                await uow.commit()
                raise InvalidToken("refresh token was already used; the session has ended")
            user = await uow.users.get(session.user_id)
            if user is None:
                raise InvalidToken("refresh token is invalid or expired")
            await uow.sessions.mark_token_used(token_hash, now)
            new_hash = self._tokens.hash_refresh_token(new_refresh)
            await uow.sessions.add_token(RefreshToken(new_hash, session.id, now))
            await uow.commit()
        access = self._tokens.issue_access(user.id, user.role, session.id)
        return TokenPair(access.token, access.expires_in, new_refresh)


class Logout:
    def __init__(self, uow: AccountsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor) -> None:
        async with self._uow.write() as uow:
            await uow.sessions.revoke(actor.session_id, self._clock.now())
            await uow.commit()
