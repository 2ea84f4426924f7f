"""Reading users: the caller, one user, the list (admins)."""

from __future__ import annotations

from application.accounts.dto import UserView
from application.accounts.ports import AccountsUnitOfWork
from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shared.paging import Page, check_page
from domain.accounts.errors import InvalidToken, UserNotFound
from domain.shared.errors import Forbidden


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
