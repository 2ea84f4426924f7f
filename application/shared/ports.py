"""Ports every context shares: the clock, the unit of work, and storage's own errors."""

from __future__ import annotations

import abc
from datetime import datetime
from types import TracebackType
from typing import Literal, Self


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""


class StorageUnavailable(Exception):
    """The storage cannot be reached or is overloaded; nothing was committed. Retry later."""

    detail = "the database is unavailable; retry shortly"  # what the client is told


class Overloaded(Exception):
    """Too much work of this kind is waiting already (e.g. password checks in a login
    flood), so this was refused before it started: nothing was done. Retry shortly."""


class StorageConflict(Exception):
    """The storage refused the transaction because of a concurrent one; nothing was
    committed and the same request may succeed if tried again."""


class ReadOnlyTransaction(Exception):
    """A write (or commit) in a unit of work opened with `read()`: a bug in a use case."""


class LockNotHeld(Exception):
    """A save of an entity this transaction did not load for update: a bug in a use case
    (on a database it would be a lost update). The memory adapter raises it, since its
    one-writer-at-a-time lock would otherwise hide the missing row lock."""


class UnitOfWork(abc.ABC):
    """One transaction at a time, chosen by the use case:

        async with self._uow.read() as uow:     # one snapshot; any write raises
            ...
        async with self._uow.write() as uow:    # leaving without commit() rolls back
            ...
            await uow.commit()

    A read sees one snapshot for all of its statements on every adapter, and a write in
    it raises ReadOnlyTransaction on every adapter. Driver errors leave as
    StorageUnavailable or StorageConflict. A use case may open several in turn.
    """

    _mode: Literal["read", "write"] | None = None

    def read(self) -> Self:
        self._mode = "read"
        return self

    def write(self) -> Self:
        self._mode = "write"
        return self

    @property
    def is_read_only(self) -> bool:
        return self._mode == "read"

    async def __aenter__(self) -> Self:
        if self._mode is None:
            raise RuntimeError("open a unit of work with read() or write()")
        await self.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._mode = None
        await self.close(exc)

    @abc.abstractmethod
    async def begin(self) -> None: ...

    @abc.abstractmethod
    async def commit(self) -> None:
        """Make the writes durable; raises ReadOnlyTransaction in a read."""

    @abc.abstractmethod
    async def close(self, error: BaseException | None = None) -> None:
        """Roll back anything not committed and release the connection. An adapter may
        raise a port error (StorageUnavailable...) for a driver's `error` here."""


class ReadinessProbe(abc.ABC):
    @abc.abstractmethod
    async def check(self) -> None:
        """Raise when the storage cannot serve requests."""
