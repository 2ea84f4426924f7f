"""The argon2 hasher on worker processes (adapters/security/accounts/argon2_processes.py):
its priority, its waiting line, a dead worker, and closing (what it answers, as the thread
hasher does: test_password_hashers.py). Real processes; no timings asserted."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from adapters.security.accounts.argon2_hasher import Argon2PasswordHasher
from adapters.security.accounts.argon2_processes import ProcessPoolPasswordHasher
from application.accounts.ports import PasswordHasherBusy
from entrypoints import settings as settings_module
from entrypoints.container import build_container, close_resources
from entrypoints.settings import Settings, resolve_hash_workers
from tests.unit.conftest import PASSWORD


async def test_hashes_run_in_other_processes_of_lower_priority() -> None:
    pool = ProcessPoolPasswordHasher("CHEAPEST", workers=1)
    try:
        await pool.hash(PASSWORD)

        workers = pool.worker_pids()
        assert workers
        assert os.getpid() not in workers
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert all(os.getpriority(os.PRIO_PROCESS, pid) == mine + 10 for pid in workers)
    finally:
        await pool.close()


async def test_calls_past_the_waiting_line_are_refused_at_once() -> None:
    hasher = ProcessPoolPasswordHasher("CHEAPEST", workers=1, max_waiting=1)
    try:
        stored = await hasher.hash(PASSWORD)
        # Started together: one runs, one waits, the other two are refused before any
        # of them is checked.
        outcomes = await asyncio.gather(
            *(hasher.verify(stored, PASSWORD) for _ in range(4)), return_exceptions=True
        )
        assert outcomes[:2] == [True, True]
        assert all(isinstance(outcome, PasswordHasherBusy) for outcome in outcomes[2:])
        assert not hasher.is_busy()  # the line is empty again
        assert await hasher.verify(stored, PASSWORD)
    finally:
        await hasher.close()


async def test_a_worker_that_died_is_replaced() -> None:
    hasher = ProcessPoolPasswordHasher("CHEAPEST", workers=1)
    try:
        stored = await hasher.hash(PASSWORD)
        [worker] = hasher.worker_pids()
        os.kill(worker, signal.SIGKILL)  # as the OOM killer would

        assert await hasher.verify(stored, PASSWORD)
        assert worker not in hasher.worker_pids()
    finally:
        await hasher.close()


async def test_close_stops_the_workers_and_refuses_later_calls() -> None:
    hasher = ProcessPoolPasswordHasher("CHEAPEST", workers=1)
    stored = await hasher.hash(PASSWORD)
    [worker] = hasher.worker_pids()

    await hasher.close()

    assert hasher.worker_pids() == []
    assert not _alive(worker)
    with pytest.raises(RuntimeError):
        await hasher.verify(stored, PASSWORD)
    await hasher.close()  # twice is harmless


async def test_the_container_closes_the_pool_with_its_resources() -> None:
    settings = Settings(storage="memory", argon2_profile="CHEAPEST", hash_workers=1, _env_file=None)
    container = build_container(settings, secret_key="x" * 40)
    hasher = container.hasher()
    assert isinstance(hasher, ProcessPoolPasswordHasher)
    await hasher.hash(PASSWORD)
    [worker] = hasher.worker_pids()

    await close_resources(container)

    assert not _alive(worker)


def test_zero_workers_means_threads() -> None:
    settings = Settings(storage="memory", hash_workers=0, _env_file=None)
    container = build_container(settings, secret_key="x" * 40)
    assert isinstance(container.hasher(), Argon2PasswordHasher)


@pytest.mark.parametrize(
    ("cores", "server_workers", "expected"),
    [(2, 1, 1), (8, 1, 7), (8, 2, 3), (8, 7, 1), (2, 4, 1), (1, 1, 1)],
)
def test_unset_the_pools_share_the_cores_left_after_one_for_serving(
    monkeypatch: pytest.MonkeyPatch, cores: int, server_workers: int, expected: int
) -> None:
    monkeypatch.setattr(settings_module, "usable_cpus", lambda: cores)
    monkeypatch.delenv("CASEWORKS_HASH_WORKERS", raising=False)
    settings = Settings(_env_file=None)
    assert resolve_hash_workers(settings, server_workers) == expected
    assert resolve_hash_workers(Settings(hash_workers=3, _env_file=None), server_workers) == 3


def _alive(pid: int) -> bool:
    """Running, not a zombie that only waits to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
