"""Admins demoting each other, or themselves, at the same moment: at least one admin is
always left, on memory, SQLite and PostgreSQL, in one process and across processes.

ChangeRole locks the administrators' rows (in id order) before it decides: the second of
two racing demotions sees the first, and is refused (403: its caller is no longer an
admin; or 409 last_admin). Without the lock each would count two admins and both win.
Every call gets its own unit of work, as in the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import pytest

from application.accounts.dto import ChangeRoleCommand, UserView
from application.accounts.ports import AccountsUnitOfWork
from application.accounts.use_cases.users import ChangeRole
from application.shared.actor import Actor
from domain.accounts.errors import LastAdmin
from domain.shared.errors import Forbidden
from domain.shared.roles import Role
from entrypoints.container import Container
from tests.contract.builders import add_users, new_user
from tests.contract.conftest import OpenProcesses
from tests.support.storage import Uows

ROOT = Actor("u-root", Role.ADMIN, "s-root")
BOSS = Actor("u-boss", Role.ADMIN, "s-boss")
ROUNDS = 10
AccountsUows = Callable[[], AccountsUnitOfWork]


async def _admins(uows: AccountsUows, *users: str) -> frozenset[str]:
    """Make `users` admins again (a new round), or with none just read the admins."""
    async with uows().write() as uow:
        for user_id in users:
            user = await uow.users.get_for_update(user_id)
            assert user is not None
            user.role = Role.ADMIN
            await uow.users.save(user)
        admins = await uow.users.ids_with_role_for_update(Role.ADMIN)
        await uow.commit()
    return admins


async def _demote(uows: AccountsUows, actor: Actor, user_id: str) -> UserView:
    return await ChangeRole(uows()).execute(ChangeRoleCommand(actor, user_id, "user"))


async def _race(uows: Sequence[AccountsUows], pairs: Sequence[tuple[Actor, str]]) -> None:
    """ROUNDS times: root and boss are admins, then `pairs` (caller, whom to demote) run at
    once, spread over `uows` (one per process). One admin is demoted, one is left."""
    for _ in range(ROUNDS):
        assert await _admins(uows[0], ROOT.user_id, BOSS.user_id) == {"u-root", "u-boss"}
        results = await asyncio.gather(
            *(_demote(uows[i % len(uows)], actor, whom) for i, (actor, whom) in enumerate(pairs)),
            return_exceptions=True,
        )
        won = [r for r in results if isinstance(r, UserView)]
        refused = [r for r in results if isinstance(r, Forbidden | LastAdmin)]
        assert len(won) + len(refused) == len(pairs), results  # nothing else went wrong
        # One admin was demoted; a later demotion of the same one found nothing to change.
        demoted = {view.id for view in won}
        assert len(demoted) == 1, results
        left = await _admins(uows[0])
        assert left == {ROOT.user_id, BOSS.user_id} - demoted


EACH_OTHER = [(ROOT, BOSS.user_id), (BOSS, ROOT.user_id)]
THEMSELVES = [(ROOT, ROOT.user_id), (BOSS, BOSS.user_id)]
ALL_AT_ONCE = [*EACH_OTHER, *THEMSELVES]


async def _two_admins(uows: Uows) -> None:
    await add_users(uows, new_user("root", role=Role.ADMIN), new_user("boss", role=Role.ADMIN))


@pytest.mark.parametrize("pairs", [EACH_OTHER, THEMSELVES, ALL_AT_ONCE])
async def test_racing_demotions_leave_an_admin(uows: Uows, pairs: list[tuple[Actor, str]]) -> None:
    await _two_admins(uows)
    await _race([uows.accounts], pairs)


# --- across processes ---------------------------------------------------------------------

PROCESSES = 2


@pytest.fixture
async def processes(open_processes: OpenProcesses) -> AsyncIterator[list[Container]]:
    """One container per server process on one database: on SQLite only BEGIN IMMEDIATE
    orders their writers (each has its own write gate); on PostgreSQL the row locks."""
    async with open_processes(PROCESSES) as containers:
        await _two_admins(Uows.of(containers[0]))
        yield containers


@pytest.mark.parametrize("pairs", [EACH_OTHER, ALL_AT_ONCE])
async def test_racing_demotions_across_processes_leave_an_admin(
    processes: list[Container], pairs: list[tuple[Actor, str]]
) -> None:
    await _race([container.accounts.uow for container in processes], pairs)
