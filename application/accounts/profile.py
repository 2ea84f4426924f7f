from __future__ import annotations

from application.accounts.dto import ChangePasswordCommand, UserView
from application.accounts.ports import (
    AccountsUnitOfWork,
    CommonPasswords,
    LoginThrottle,
    PasswordHasher,
)
from application.shared.actor import Actor
from application.shared.paging import Page, check_page
from application.shared.ports import Clock
from domain.accounts.errors import (
    InvalidToken,
    TooManyLoginAttempts,
    UserNotFound,
    WrongCurrentPassword,
)
from domain.accounts.model import check_password_rules
from domain.shared.errors import Forbidden


class GetCurrentUser:
    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor) -> UserView:
        async with self._uow as uow:
            user = await uow.users.get(actor.user_id)
        if user is None:
            raise InvalidToken("the user of this token no longer exists")
        return UserView.from_user(user)


class ListUsers:
    """Admins only: the role is decided here, not by the route."""

    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, limit: int, offset: int) -> Page[UserView]:
        if not actor.is_admin:
            raise Forbidden("only administrators may list users")
        check_page(limit, offset)
        async with self._uow as uow:
            users, total = await uow.users.list(limit=limit, offset=offset)
        return Page([UserView.from_user(u) for u in users], total, limit, offset)


class ChangePassword:
    def __init__(
        self,
        uow: AccountsUnitOfWork,
        hasher: PasswordHasher,
        common_passwords: CommonPasswords,
        throttle: LoginThrottle,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._common = common_passwords
        self._throttle = throttle
        self._clock = clock

    async def execute(self, cmd: ChangePasswordCommand) -> None:
        async with self._uow as uow:
            user = await uow.users.get(cmd.actor.user_id)
        if user is None:
            raise InvalidToken("the user of this token no longer exists")
        # A stolen access token must not become an unlimited password oracle.
        key = f"password-change|{user.id}"
        retry_after = await self._throttle.begin_attempt(key)
        if retry_after is not None:
            raise TooManyLoginAttempts("too many wrong current passwords; try later", retry_after)
        if not await self._hasher.verify(user.password_hash, cmd.current_password):
            raise WrongCurrentPassword("current password is incorrect")
        await self._throttle.reset(key)
        new = cmd.new_password
        check_password_rules(new, user.username, self._common.contains(new))
        new_hash = await self._hasher.hash(new)
        async with self._uow as uow:
            await uow.users.update_password_hash(user.id, new_hash)
            # Whoever else holds a session with the old password is logged out now.
            await uow.sessions.revoke_all_for_user(
                user.id, self._clock.now(), except_session_id=cmd.actor.session_id
            )
            await uow.commit()


class GetUser:
    """A user may see themself; an admin may see anyone. Anyone else: not found."""

    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, user_id: str) -> UserView:
        user = None
        if actor.is_admin or actor.user_id == user_id:
            async with self._uow as uow:
                user = await uow.users.get(user_id)
        if user is None:
            raise UserNotFound(f"user {user_id!r} not found")
        return UserView.from_user(user)
