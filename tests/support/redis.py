"""Redis for tests: the configured server (CASEWORKS_TEST_REDIS_URL), reachable or a
skip (a failure in CI), and throwaway redis-server processes a test may kill."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from adapters.redis.client import create_redis_client

REDIS_ENV = "CASEWORKS_TEST_REDIS_URL"


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: in CI the Redis tests must run")
    pytest.skip(reason)


async def redis_url() -> str:
    """The test Redis URL, once it answers a PING; else skip (fail in CI)."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        _missing(f"Redis tests need {REDIS_ENV} (e.g. redis://127.0.0.1:6379/0)")
        raise AssertionError("unreachable")
    client = create_redis_client(url)
    try:
        await client.ping()
    except Exception as exc:
        _missing(f"Redis at {url} is unreachable: {exc}")
    finally:
        await client.aclose()
    return url


def random_prefix() -> str:
    """Keys and channels of this test's own: parallel runs on one Redis never meet."""
    return f"test-{uuid.uuid4().hex[:12]}:"


def client_for(url: str) -> Redis:
    return create_redis_client(url)


class ThrowawayRedis:
    """A redis-server process on a free port, to stop and start again (an outage)."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            _missing("the Redis outage tests need the redis-server binary")
        self._binary = binary or ""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: asyncio.subprocess.Process | None = None

    def command(self) -> list[str]:
        return [
            *[self._binary, "--port", str(self.port), "--bind", "127.0.0.1"],
            *["--save", "", "--appendonly", "no"],
        ]

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            *self.command(),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        client = create_redis_client(self.url)
        try:
            for _ in range(100):
                try:
                    await client.ping()
                    return
                except Exception:
                    await asyncio.sleep(0.05)
            raise RuntimeError("redis-server did not start")
        finally:
            await client.aclose()

    async def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            await self._process.wait()
            self._process = None


class SyncThrowawayRedis(ThrowawayRedis):
    """The same, started and killed without an event loop: for a module's fixture, whose
    servers outlive any one test's loop."""

    def __init__(self) -> None:
        super().__init__()
        self._popen: subprocess.Popen[bytes] | None = None

    def start_now(self) -> None:
        self._popen = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = SyncRedis.from_url(self.url, socket_connect_timeout=1)
        try:
            for _ in range(100):
                try:
                    client.ping()
                    return
                except Exception:
                    time.sleep(0.05)
            raise RuntimeError("redis-server did not start")
        finally:
            client.close()

    def kill_now(self) -> None:
        if self._popen is not None:
            self._popen.kill()
            self._popen.wait()
            self._popen = None
