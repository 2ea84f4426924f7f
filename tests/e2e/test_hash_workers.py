"""`caseworks serve` as shipped: password hashes in a worker process of lower priority
(CASEWORKS_HASH_WORKERS unset), which serves logins and leaves with the server."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import environment_in, running_server

PASSWORD = "a-password-for-the-hash-workers"


def test_a_server_hashes_in_a_lower_priority_worker_that_stops_with_it(tmp_path: Path) -> None:
    env = environment_in(tmp_path)
    del env["CASEWORKS_HASH_WORKERS"]  # the default: a pool sized from the cores
    with running_server(env, tmp_path) as server, httpx.Client(base_url=server.base_url) as http:
        account = {"username": "alice", "password": PASSWORD}
        assert http.post("/register", json=account, timeout=60).status_code == 201
        assert http.post("/login", json=account, timeout=60).status_code == 200
        wrong = {"username": "alice", "password": PASSWORD + "x"}
        assert http.post("/login", json=wrong, timeout=60).status_code == 401
        unknown = {"username": "nobody", "password": PASSWORD}
        assert http.post("/login", json=unknown, timeout=60).status_code == 401

        workers = [pid for pid in _descendants(server.pid) if _niceness(pid) == 10]
        assert workers, "no hash worker of lower priority under the server"
        os.kill(server.pid, signal.SIGTERM)
        _wait_gone(server.pid)
        assert not [pid for pid in workers if _running(pid)]
        log = "\n".join(server.log_lines())
        assert "Traceback" not in log
        assert "BrokenProcessPool" not in log


def _descendants(pid: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, its in parents.items() if its == parent]
        found += children
        todo += children
    return found


def _niceness(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 30
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
