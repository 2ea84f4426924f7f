"""Idempotency keys in memory, in the shared kernel's namespace: one keyspace per user for
every context's commands, as in the SQL table."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.store import Journal, MemoryStore, put, restore
from adapters.memory.uow import InMemoryUnitOfWork
from application.shared.idempotency import (
    DuplicateIdempotencyKey,
    IdempotencyRepository,
    IdempotentUnitOfWork,
)
from domain.shared.idempotency import IdempotencyRecord


class InMemoryIdempotencyRepository(IdempotencyRepository):
    """Records are frozen, so they are stored as they are (no clone needed)."""

    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._by_user: dict[str, dict[str, IdempotencyRecord]]
        self._by_user = store.of("shared").table("idempotency_keys_by_user")
        self._journal = journal

    async def get_for_update(self, user_id: str, key: str) -> IdempotencyRecord | None:
        self._journal.hold(self._by_user, (user_id, key))
        return self._by_user.get(user_id, {}).get(key)

    async def add(self, record: IdempotencyRecord) -> None:
        self._journal.check_writable()
        if record.key in self._by_user.get(record.user_id, {}):
            raise DuplicateIdempotencyKey(record.key)
        self._journal.hold(self._by_user, (record.user_id, record.key))
        self._put(record)

    async def save(self, record: IdempotencyRecord) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._by_user, (record.user_id, record.key))
        if record.key in self._by_user.get(record.user_id, {}):
            self._put(record)

    async def delete(self, user_id: str, key: str) -> None:
        self._journal.check_writable()
        owned = self._by_user.get(user_id, {})
        if key in owned:
            self._journal.record(restore(owned, key))
            del owned[key]

    async def delete_created_before(self, cutoff: datetime, limit: int) -> int:
        self._journal.check_writable()
        everyone = (r for owned in self._by_user.values() for r in owned.values())
        doomed = [r for r in everyone if r.created_at < cutoff][:limit]
        for record in doomed:
            await self.delete(record.user_id, record.key)
        return len(doomed)

    def _put(self, record: IdempotencyRecord) -> None:
        owned = self._by_user.setdefault(record.user_id, {})
        put(self._journal, owned, record.key, record)


class InMemoryIdempotencyUnitOfWork(InMemoryUnitOfWork, IdempotentUnitOfWork):
    """The keys alone, for the shared job that forgets old ones."""

    repositories = {
        "idempotency": InMemoryIdempotencyRepository,
    }
