"""Start real server processes (uvicorn, one worker) for the benchmark targets."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "bench-admin"  # made at start-up (CASEWORKS_ADMIN_*), to seed the shop's products
PASSWORD = "bench-password-not-common-1"  # the admin's and the bench user's


@dataclass(frozen=True)
class Target:
    name: str
    authenticated: bool
    env: dict[str, str] = field(default_factory=dict)
    needs_upgrade: bool = False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(target: Target, port: int) -> list[str]:
    if target.name == "baseline":
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.baseline_app:app",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    return [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)]


def caseworks_env(target: Target, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CASEWORKS_SECRET_KEY": secrets.token_urlsafe(48),
        "CASEWORKS_SECRET_KEY_FILE": str(workdir / "secret"),
        "CASEWORKS_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
        # Both sides without access logs: uvicorn's baseline runs with --no-access-log.
        "CASEWORKS_ACCESS_LOG": "false",
        "CASEWORKS_LOG_LEVEL": "WARNING",
        "CASEWORKS_ADMIN_USERNAME": ADMIN,
        "CASEWORKS_ADMIN_PASSWORD": PASSWORD,
        **target.env,
    }


@contextmanager
def running(target: Target, workdir: Path) -> Iterator[str]:
    port = free_port()
    env = caseworks_env(target, workdir)
    if target.needs_upgrade:
        subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "db", "upgrade"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    # The server's log goes to a file: a pipe nobody reads fills up and then blocks the
    # server on its next log line (a 503 under load logs one).
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _command(target, port), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log_path)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60  # a busy machine: a hash at start-up may wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/docs", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {base} did not start in 60 s")


def login(client: httpx.Client, username: str) -> dict[str, str]:
    """The bearer header of a fresh session (every bench user has PASSWORD)."""
    answer = client.post("/login", json={"username": username, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}
