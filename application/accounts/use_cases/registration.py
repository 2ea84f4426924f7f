from __future__ import annotations

from application.accounts.dto import RegisterCommand, UserView
from application.accounts.ports import AccountsUnitOfWork, CommonPasswords, PasswordHasher
from application.shared.ids import new_id
from application.shared.ports import Clock
from domain.accounts.errors import UsernameTaken
from domain.accounts.model import User, Username, check_password_rules, validate_email
from domain.shared.roles import Role


class RegisterUser:
    def __init__(
        self,
        uow: AccountsUnitOfWork,
        hasher: PasswordHasher,
        common_passwords: CommonPasswords,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._common = common_passwords
        self._clock = clock

    async def execute(self, cmd: RegisterCommand) -> UserView:
        username = Username(cmd.username)
        email = validate_email(cmd.email)
        check_password_rules(cmd.password, username, self._common.contains(cmd.password))
        async with self._uow.read() as uow:
            # Cheap early answer; the unique index still decides a race at insert time.
            if await uow.users.get_by_username(username.canonical) is not None:
                raise _taken(username)
        # Hash outside any transaction: a write lock must never wait on argon2.
        password_hash = await self._hasher.hash(cmd.password)
        user = User(new_id(), username, password_hash, cmd.role, self._clock.now(), email)
        async with self._uow.write() as uow:
            await uow.users.add(user)
            await uow.commit()
        return UserView.from_user(user)


def _taken(username: Username) -> UsernameTaken:
    return UsernameTaken(f"username {username.value!r} is taken")


class CreateFirstAdmin:
    """At start-up: make this account an administrator, unless there is one already.

    Several workers may start at once; the one that loses the race on the username finds
    the winner's admin and is content. A taken username without any admin is an error.
    """

    def __init__(self, uow: AccountsUnitOfWork, register: RegisterUser) -> None:
        self._uow = uow
        self._register = register

    async def execute(self, username: str, password: str) -> UserView | None:
        """The new admin, or None when there already was one."""
        if await self._admin_exists():
            return None
        try:
            return await self._register.execute(
                RegisterCommand(username, password, role=Role.ADMIN)
            )
        except UsernameTaken:
            if await self._admin_exists():
                return None
            raise

    async def _admin_exists(self) -> bool:
        async with self._uow.read() as uow:
            return await uow.users.any_with_role(Role.ADMIN)
