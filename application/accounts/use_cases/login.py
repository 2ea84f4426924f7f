from __future__ import annotations

from datetime import timedelta

from application.accounts.dto import LoginCommand, TokenPair
from application.accounts.policies import LoginLimits, SessionPolicy
from application.accounts.ports import (
    AccountsUnitOfWork,
    PasswordHasher,
    PasswordHasherBusy,
    TokenService,
)
from application.shared.events import NO_EVENTS, BusinessEvent, BusinessEvents
from application.shared.ids import new_id
from application.shared.ports import Clock
from domain.accounts.errors import InvalidCredentials
from domain.accounts.model import LoginSession, RefreshToken, User, Username
from domain.shared.text import check_text


class Login:
    def __init__(
        self,
        uow: AccountsUnitOfWork,
        hasher: PasswordHasher,
        tokens: TokenService,
        limits: LoginLimits,
        clock: Clock,
        policy: SessionPolicy,
        events: BusinessEvents = NO_EVENTS,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._limits = limits
        self._clock = clock
        self._policy = policy
        self._events = events

    async def execute(self, cmd: LoginCommand) -> TokenPair:
        # Before the throttle, the lookup and the hasher: none of them can take such text.
        check_text(cmd.username, "username")
        check_text(cmd.password, "password")
        name = Username.canonical_form(cmd.username)
        if self._hasher.is_busy():  # before the throttle: a refusal costs no attempt
            raise PasswordHasherBusy("too many logins are being checked; retry shortly")
        await self._limits.begin_attempt(name, cmd.client)
        user = None
        if Username.is_valid(cmd.username):  # no other name can exist: skip the lookup
            async with self._uow.read() as uow:
                user = await uow.users.get_by_username(name)
        if user is None:
            await self._hasher.verify_dummy(cmd.password)
        if user is None or not await self._hasher.verify(user.password_hash, cmd.password):
            # One message for both cases: the answer must not reveal which accounts exist.
            self._events.record(BusinessEvent.LOGIN_FAILED)
            raise InvalidCredentials("incorrect username or password")
        await self._limits.succeeded(name, cmd.client)
        return await self._open_session(user, cmd.password)

    async def _open_session(self, user: User, password: str) -> TokenPair:
        new_hash = None
        if self._hasher.needs_rehash(user.password_hash):
            new_hash = await self._hasher.hash(password)
        now = self._clock.now()
        session = LoginSession(
            id=new_id(),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=self._policy.refresh_token_days),
        )
        refresh = self._tokens.new_refresh_token()
        async with self._uow.write() as uow:
            # The password verified above must still be the password: a change committed
            # meanwhile has ended every session, and this one must not outlive it. The
            # conditional write takes the row, so it also waits for a change in progress.
            seen = user.password_hash
            if not await uow.users.update_password_hash(user.id, new_hash or seen, seen):
                self._events.record(BusinessEvent.LOGIN_FAILED)
                raise InvalidCredentials("incorrect username or password")
            await uow.sessions.add(session)
            token_hash = self._tokens.hash_refresh_token(refresh)
            await uow.sessions.add_token(RefreshToken(token_hash, session.id, now))
            await uow.commit()
        access = self._tokens.issue_access(user.id, user.role, session.id)
        return TokenPair(access.token, access.expires_in, refresh)
