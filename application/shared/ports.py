"""Ports every context shares: the clock and the unit of work."""

from __future__ import annotations

import abc
from datetime import datetime
from types import TracebackType
from typing import Self


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""


class UnitOfWork(abc.ABC):
    """One transaction. Leaving the `async with` block without `commit()` rolls back."""

    async def __aenter__(self) -> Self:
        await self.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @abc.abstractmethod
    async def begin(self) -> None: ...

    @abc.abstractmethod
    async def commit(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None:
        """Roll back anything not committed and release the connection."""


class ReadinessProbe(abc.ABC):
    @abc.abstractmethod
    async def check(self) -> None:
        """Raise when the storage cannot serve requests."""
