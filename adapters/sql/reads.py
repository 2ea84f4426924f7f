"""Read transactions: how a database opens them, and one per request.

The reads of one authenticated HTTP request share one snapshot.
An authenticated `GET /todos/{id}` reads twice (the caller's session, then the todo), each
in a read unit of work of its own context; opening and resetting a read transaction costs
a round trip on PostgreSQL. Inside `RequestReads.scope()` the first read unit of work
opens the request's read transaction and keeps it; the next one borrows it and closes it
when done (the connection is held from the session check to the end of the use case's
read, not while the answer is built: measured, holding it to the end of the request
starved the pool under load). The scope closes whatever is still open when the request
ends. A write unit of work ends it first, so a read
after a write always sees that write. A read while the shared one is borrowed (reads run
concurrently in one request) opens one of its own, as outside a scope.

Only a request whose session is checked shares (the edge calls `share()` before the
check): elsewhere nothing says a second read will come, and a first read kept open would
hold its connection through whatever follows — a login's password hash, under a login
flood every connection of the pool.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


class ReadTransaction(abc.ABC):
    """An open read-only transaction: one snapshot, and the database refuses writes."""

    connection: Any  # an AsyncConnection, or anything with the same `execute`

    @abc.abstractmethod
    async def close(self) -> None: ...


class ReadTransactions(abc.ABC):
    """How a database opens read transactions (PostgreSQL and SQLite differ)."""

    @abc.abstractmethod
    async def open(self) -> ReadTransaction: ...


@dataclass
class _Shared:
    reads: ReadTransactions
    sharing: bool = False  # set by `share()`: the request's session is being checked
    read: ReadTransaction | None = None
    borrowed: bool = False
    uses: int = 0  # read units of work that have borrowed `read`


_shared: ContextVar[_Shared | None] = ContextVar("caseworks_request_read", default=None)


class RequestReads:
    """What the HTTP edge wraps each request in (the container hands it over)."""

    def __init__(self, reads: ReadTransactions) -> None:
        self._reads = reads

    @contextlib.asynccontextmanager
    async def scope(self) -> AsyncIterator[None]:
        token = _shared.set(_Shared(self._reads))
        try:
            yield
        finally:
            await end_shared_read()
            _shared.reset(token)

    def share(self) -> None:
        """The reads of this request, from its session check on, share one snapshot."""
        shared = _shared.get()
        if shared is not None and shared.reads is self._reads:
            shared.sharing = True


async def open_read(reads: ReadTransactions) -> tuple[ReadTransaction, bool]:
    """A read transaction, and whether it is the request's shared one (then the unit of
    work gives it back with `give_back` instead of closing it)."""
    shared = _shared.get()
    if shared is None or not shared.sharing or shared.borrowed or shared.reads is not reads:
        return await reads.open(), False
    shared.borrowed = True  # before the await: a concurrent read must not open it too
    shared.uses += 1
    if shared.read is None:
        try:
            shared.read = await reads.open()
        except BaseException:
            shared.borrowed = False
            raise
    return shared.read, True


async def give_back(failed: bool) -> None:
    """The unit of work is done with the shared read: the first borrower leaves it open for
    the next read, which closes it. After an error inside it the read is not reused by the
    rest of the request: on PostgreSQL a failed statement aborts the whole transaction."""
    shared = _shared.get()
    if shared is None:
        return
    shared.borrowed = False
    if failed or shared.uses > 1:
        await end_shared_read()


async def end_shared_read() -> None:
    """Close the request's shared read, if open and not borrowed (before a write, at the
    end of the request)."""
    shared = _shared.get()
    if shared is not None and shared.read is not None and not shared.borrowed:
        read, shared.read = shared.read, None
        await read.close()
