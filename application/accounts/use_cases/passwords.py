from __future__ import annotations

from application.accounts.dto import ChangePasswordCommand
from application.accounts.ports import (
    AccountsUnitOfWork,
    CommonPasswords,
    LoginThrottle,
    PasswordHasher,
)
from application.shared.ports import Clock
from domain.accounts.errors import InvalidToken, TooManyLoginAttempts, WrongCurrentPassword
from domain.accounts.model import check_password_rules
from domain.shared.text import check_text


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
        # Text no hasher can take is bad input (422) before any password is compared.
        check_text(cmd.current_password, "current_password")
        check_text(cmd.new_password, "new_password")
        async with self._uow.read() as uow:
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
        async with self._uow.write() as uow:
            # Only over the hash that was verified: two changes at once must not both win.
            if not await uow.users.update_password_hash(user.id, new_hash, user.password_hash):
                raise WrongCurrentPassword("current password is incorrect")
            # Whoever else holds a session with the old password is logged out now.
            await uow.sessions.revoke_all_for_user(
                user.id, self._clock.now(), except_session_id=cmd.actor.session_id
            )
            await uow.commit()
