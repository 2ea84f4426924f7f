"""Orders in three tables (rows made in order_rows.py): the order, its lines (written
once), its status history (appended to). Loading any number of orders takes three
statements: the orders, all their lines, all their history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.shop.order_rows import (
    history_values,
    line_values,
    order_from_rows,
    order_values,
)
from adapters.sql.tables.shop import order_lines, order_status_changes, orders
from application.shop.ports import OrderQuery, OrderRepository
from domain.shop.orders import Order, OrderStatus

# Built once: building a statement costs more than running it on SQLite.
_ONE = select(orders).where(orders.c.id == bindparam("order_id"))
_ONE_FOR_UPDATE = _ONE.with_for_update()  # SQLite: the writer holds BEGIN IMMEDIATE
_IDS: BindParameter[str] = bindparam("ids", expanding=True)
_LINES = (
    select(order_lines)
    .where(order_lines.c.order_id.in_(_IDS))
    .order_by(order_lines.c.order_id, order_lines.c.line_no)
)
_HISTORY = (
    select(order_status_changes)
    .where(order_status_changes.c.order_id.in_(_IDS))
    .order_by(order_status_changes.c.order_id, order_status_changes.c.change_no)
)
_HISTORY_LENGTH = (
    select(func.count())
    .select_from(order_status_changes)
    .where(order_status_changes.c.order_id == bindparam("order_id"))
)
_SAVE = update(orders).where(orders.c.id == bindparam("order_id"))
_INSERT_ORDER, _INSERT_LINES = insert(orders), insert(order_lines)
_INSERT_HISTORY = insert(order_status_changes)
_NEWEST_FIRST = (orders.c.created_at.desc(), orders.c.id.desc())
# The sweep: earliest deadline first, served by ix_orders_status_expires.
_EXPIRABLE = (
    select(orders.c.id)
    .where(
        orders.c.status == OrderStatus.PENDING_PAYMENT.value,
        orders.c.expires_at < bindparam("now"),
    )
    .order_by(orders.c.expires_at, orders.c.id)
    .limit(bindparam("limit"))
)


class SqlOrderRepository(OrderRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection
        # How much of each order's history is stored, as loaded or added in this unit of
        # work: save() appends only what is new.
        self._stored_history: dict[str, int] = {}

    async def add(self, order: Order) -> None:
        await self._db.execute(_INSERT_ORDER, order_values(order))
        await self._db.execute(_INSERT_LINES, line_values(order))
        await self._db.execute(_INSERT_HISTORY, history_values(order))
        self._stored_history[order.id] = len(order.history)

    async def get(self, order_id: str) -> Order | None:
        return await self._one(_ONE, order_id)

    async def get_for_update(self, order_id: str) -> Order | None:
        # Only the order row is locked: lines never change, and history only changes
        # under this lock.
        return await self._one(_ONE_FOR_UPDATE, order_id)

    async def save(self, order: Order) -> None:
        changes = {
            "order_id": order.id,
            "status": order.status.value,
            "updated_at": order.updated_at,
            "payment_reference": order.payment_reference,
        }
        if (await self._db.execute(_SAVE, changes)).rowcount == 0:
            return  # no such order: nothing to write back, as on the other adapters
        stored = self._stored_history.get(order.id)
        if stored is None:  # saved without being loaded here
            length = await self._db.execute(_HISTORY_LENGTH, {"order_id": order.id})
            stored = length.scalar_one()
        new = history_values(order, stored)
        if new:
            await self._db.execute(_INSERT_HISTORY, new)
        self._stored_history[order.id] = len(order.history)

    async def list(self, query: OrderQuery) -> tuple[Sequence[Order], int]:
        where = []
        if query.user_id is not None:
            where.append(orders.c.user_id == query.user_id)
        if query.status is not None:
            where.append(orders.c.status == query.status.value)
        page = select(orders).where(*where).order_by(*_NEWEST_FIRST)
        rows = (await self._db.execute(page.limit(query.limit).offset(query.offset))).all()
        count = select(func.count()).select_from(orders).where(*where)
        total = (await self._db.execute(count)).scalar_one()
        return await self._whole(rows), total

    async def list_expirable(self, now: datetime, limit: int) -> Sequence[str]:
        return list((await self._db.execute(_EXPIRABLE, {"now": now, "limit": limit})).scalars())

    async def _one(self, statement: Any, order_id: str) -> Order | None:
        row = (await self._db.execute(statement, {"order_id": order_id})).first()
        if row is None:
            return None
        return (await self._whole([row]))[0]

    async def _whole(self, rows: Sequence[Any]) -> Sequence[Order]:
        """The orders of `rows` with their lines and history: two statements for all."""
        if not rows:
            return []
        ids = {"ids": [row.id for row in rows]}
        lines: dict[str, list[Any]] = defaultdict(list)
        for line in await self._db.execute(_LINES, ids):
            lines[line.order_id].append(line)
        history: dict[str, list[Any]] = defaultdict(list)
        for change in await self._db.execute(_HISTORY, ids):
            history[change.order_id].append(change)
        for row in rows:
            self._stored_history[row.id] = len(history[row.id])
        return [order_from_rows(row, lines[row.id], history[row.id]) for row in rows]
