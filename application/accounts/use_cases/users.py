"""Users: the caller, one user, the list (admins), and granting roles (admins)."""

from __future__ import annotations

from application.accounts.dto import ChangeRoleCommand, UserView
from application.accounts.ports import AccountsUnitOfWork
from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shared.paging import Page, check_page
from domain.accounts.errors import InvalidToken, UserNotFound
from domain.accounts.model import parse_role
from domain.shared.errors import Forbidden
from domain.shared.roles import Role


class GetCurrentUser:
    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor) -> UserView:
        async with self._uow.read() as uow:
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
        async with self._uow.read() as uow:
            users, total = await uow.users.list(limit=limit, offset=offset)
        return Page([UserView.from_user(u) for u in users], total, limit, offset)


class GetUser:
    """A user may see themself; an admin may see anyone. Anyone else: not found."""

    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, user_id: str) -> UserView:
        check_id(user_id, "user id")
        user = None
        if actor.is_admin or actor.user_id == user_id:
            async with self._uow.read() as uow:
                user = await uow.users.get(user_id)
        if user is None:
            raise UserNotFound(f"user {user_id!r} not found")
        return UserView.from_user(user)


class ChangeRole:
    """An administrator gives a user a role (`user`, `clinician`, `admin`); it applies to
    the user's next request (Authenticate reads the role now stored), and their sessions
    carry on. Whom the caller may not see (GetUser) is not found; a non-admin changing
    their own role is forbidden. The last administrator may not step down.

    Every role change first locks the administrators' rows (in id order), so two admins
    demoting each other, or themselves, at once take turns: the second sees the first's
    change and finds itself no longer an admin, or the last one."""

    def __init__(self, uow: AccountsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, cmd: ChangeRoleCommand) -> UserView:
        check_id(cmd.user_id, "user id")
        role = parse_role(cmd.role)
        actor = cmd.actor
        if not actor.is_admin:
            if actor.user_id != cmd.user_id:
                raise UserNotFound(f"user {cmd.user_id!r} not found")
            raise Forbidden("only administrators may change roles")
        async with self._uow.write() as uow:
            admins = await uow.users.ids_with_role_for_update(Role.ADMIN)
            if actor.user_id not in admins:  # demoted since this request began
                raise Forbidden("only administrators may change roles")
            user = await uow.users.get_for_update(cmd.user_id)
            if user is None:
                raise UserNotFound(f"user {cmd.user_id!r} not found")
            if user.role is not role:
                user.change_role(role, other_admins=len(admins - {user.id}))
                await uow.users.save(user)
                await uow.commit()
        return UserView.from_user(user)
