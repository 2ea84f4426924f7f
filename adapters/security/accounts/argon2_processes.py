"""argon2id in worker processes of lower priority, so a login flood cannot slow other requests.

Worker threads (argon2_hasher.py) run at the event loop's priority: during a wrong-password
flood the hashes took the loop's core and an authenticated GET /todos/{id}'s p99 went
from ~1.5 ms to 10-17 ms. Here every hash runs in a process that lowered its own priority
(`nice`) as it started, and so did the threads argon2 starts in it for its lanes: the
kernel runs the serving process first whenever it has work, and the hashes get every cycle
left over, which under a flood is nearly all of them.

Bounds: `workers` processes hash one password each at a time (64 MiB each with the
low-memory profile), and at most `max_waiting` more calls wait for them; past that a call
is refused at once with PasswordHasherBusy (503) rather than joining a line that a flood
over many usernames (which no per-account throttle stops) would grow without end, and
every real user's login with it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait
from typing import TypeVar

import argon2

from adapters.security.accounts.argon2_hasher import PROFILES, Argon2Hashing, verify_or_false
from application.accounts.ports import PasswordHasherBusy

# spawn, not fork: a forked child would inherit the server's event loop, sockets and
# locks held by other threads at the time.
_CONTEXT = multiprocessing.get_context("spawn")
T = TypeVar("T")


class ProcessPoolPasswordHasher(Argon2Hashing):
    def __init__(
        self, profile: str, workers: int, max_waiting: int = 16, niceness: int = 10
    ) -> None:
        if workers < 1:
            raise ValueError("at least one worker process")
        super().__init__(profile)
        self._profile = profile
        self._workers = workers
        self._niceness = niceness
        self._limit = workers + max_waiting
        self._in_flight = 0
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    def is_busy(self) -> bool:
        return self._in_flight >= self._limit

    async def hash(self, password: str) -> str:
        return await self._run(_hash_in_worker, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._run(_verify_in_worker, password_hash, password)

    def worker_pids(self) -> list[int]:
        """The worker processes running now (none before the first call or after close)."""
        pool = self._pool
        processes = getattr(pool, "_processes", None) or {}
        return [pid for pid, process in dict(processes).items() if process.is_alive()]

    async def close(self) -> None:
        """Stop the workers (a hash under way finishes first); later calls fail."""
        self._closed = True
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    async def _run(self, work: Callable[..., T], *args: str) -> T:
        if self.is_busy():
            raise PasswordHasherBusy("too many password checks are waiting; retry shortly")
        self._in_flight += 1  # counted before any await: the bound holds under a burst
        try:
            loop = asyncio.get_running_loop()
            try:
                return await loop.run_in_executor(self._started_pool(), work, *args)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): the pool cannot be used again.
                # A new one, and this call once more; a second failure is an error.
                self._drop_broken_pool()
                return await loop.run_in_executor(self._started_pool(), work, *args)
        finally:
            self._in_flight -= 1

    def _started_pool(self) -> ProcessPoolExecutor:
        if self._closed:
            raise RuntimeError("the password hasher is closed")
        if self._pool is None:  # made at the first call: a container that never hashes
            self._pool = ProcessPoolExecutor(  # (tests, most CLI commands) starts nothing
                self._workers,
                mp_context=_CONTEXT,
                initializer=_start_worker,
                initargs=(self._profile, self._niceness),
            )
        return self._pool

    def _drop_broken_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


# --- in the worker processes ----------------------------------------------------------------

_worker_hasher: argon2.PasswordHasher | None = None


def _start_worker(profile: str, niceness: int) -> None:
    global _worker_hasher  # one hasher per worker process
    os.nice(niceness)  # argon2's lane threads, started later, inherit it
    # Ctrl-C signals the whole process group: the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_hasher = argon2.PasswordHasher.from_parameters(PROFILES[profile])
    threading.Thread(target=_exit_with_parent, daemon=True).start()


def _exit_with_parent() -> None:
    # A worker holds both ends of its task queue, so it would wait for ever if the server
    # were killed (SIGKILL, OOM) without closing the pool: it leaves when the server does.
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(0)


def _hash_in_worker(password: str) -> str:
    assert _worker_hasher is not None
    return _worker_hasher.hash(password)


def _verify_in_worker(password_hash: str, password: str) -> bool:
    assert _worker_hasher is not None
    return verify_or_false(_worker_hasher, password_hash, password)
