"""A real `caseworks serve` process on a free port, with its own SQLite file and secret."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

STARTUP_TIMEOUT = 60.0  # seconds: about 3 on a quiet machine, 20-60 seen while it was busy
# The crash test's checks live in helper modules: their asserts report what differed too.
pytest.register_assert_rewrite(
    "tests.e2e.crash_checks", "tests.e2e.crash_load", "tests.e2e.crash_socket"
)


@dataclass
class Server:
    base_url: str
    stderr_path: Path
    pid: int  # the `caseworks serve` process (with --workers N, the supervisor)
    port: int

    def log_lines(self) -> list[str]:
        text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    return environment_in(tmp_path)


def environment_in(directory: Path) -> dict[str, str]:
    """The test process's environment without CASEWORKS_*, plus a server's own files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORKS_")}
    env.update(
        CASEWORKS_DATABASE_URL=f"sqlite+aiosqlite:///{directory / 'e2e.db'}",
        CASEWORKS_ARGON2_PROFILE="CHEAPEST",
        # Threads: a hash process per server would add seconds to the suite; the process
        # pool (the default) is tested by test_hash_workers.py.
        CASEWORKS_HASH_WORKERS="0",
        CASEWORKS_SECRET_KEY_FILE=str(directory / "secret"),
        CASEWORKS_LOG_LEVEL="DEBUG",
    )
    return env


def run_cli(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        input=stdin,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def server(tmp_path: Path, server_env: dict[str, str]) -> Iterator[Server]:
    with running_server(server_env, tmp_path) as running:
        yield running


@contextmanager
def running_server(
    env: dict[str, str],
    cwd: Path,
    *args: str,
    open_files: int | None = None,
    startup_timeout: float = STARTUP_TIMEOUT,
) -> Iterator[Server]:
    """`caseworks serve` with this environment, for tests that need other settings;
    `open_files` sets the server's RLIMIT_NOFILE (capped by the hard limit); several
    workers may need a longer `startup_timeout` on a busy machine."""
    port = free_port()
    stderr_path = cwd / f"stderr-{port}.log"
    with stderr_path.open("wb") as stderr:
        command = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port), *args]
        process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=None if open_files is None else lambda: _limit_open_files(open_files),
            start_new_session=True,  # its own process group: see _stop
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_ready(base_url, process, stderr_path, startup_timeout)
            yield Server(base_url, stderr_path, process.pid, port)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s; then whatever is left of its process group (with
    --workers N, workers of a supervisor that was killed, or that a test killed, would
    otherwise live on, orphaned, and load the machine for the rest of the run)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _limit_open_files(count: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY:
        count = min(count, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


def _wait_until_ready(
    base_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = STARTUP_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server not ready within {timeout}s:\n{log.read_text()}")


# The chat's shared single server (a session fixture): imported last, as it builds on the above.
from tests.e2e.chat_server import chat_server  # noqa: E402, F401
