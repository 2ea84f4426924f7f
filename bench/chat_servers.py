"""The chat bench's targets as real server processes, and the room each run uses."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.chat_clients import Client
from bench.servers import PASSWORD, ROOT, Target, _wait_until_up, free_port, running
from tests.support.storage import scratch_postgres_database  # the tests' own

REDIS_ENV = "CASEWORKS_BENCH_REDIS_URL"  # default redis://127.0.0.1:6379/0
REDIS = "CASEWORKS_REDIS_URL"
POSTGRES_ENV = "CASEWORKS_TEST_POSTGRES_URL"
# A stalled client's receive buffer, and the segment size it asks for: the server's
# socket then buffers ~200 KB for it, not megabytes (sized from the segment size), so its
# writes back up within seconds.
STALLED_RECEIVE_BUFFER = 4096
STALLED_SEGMENT = 536


@dataclass(frozen=True)
class Room:
    clients: list[Client]
    stalled_url: str
    stalled_headers: dict[str, str]


@dataclass(frozen=True)
class Plan:
    name: str
    json_frames: bool
    room: Callable[[], AbstractContextManager[Room]]
    closed_loop: bool = True  # runs the closed-loop scenarios too


@dataclass(frozen=True)
class ChatTarget:
    name: str
    env: dict[str, str] = field(default_factory=dict)
    servers: int = 1  # more than one: the clients alternate between them
    postgres: bool = False  # a scratch database on CASEWORKS_TEST_POSTGRES_URL's server
    # False: fixed rates only. Posting to one room takes its row lock, so on PostgreSQL a
    # closed loop overloads it (senders resend after ECHO_TIMEOUT), and the backlog it
    # leaves slows the next runs of the other targets.
    closed_loop: bool = True

    @contextmanager
    def serve(self, clients: int) -> Iterator[Plan]:
        if not self.env:  # the tutorial: a fresh process per run (a stall leaves it stuck)
            yield Plan(self.name, False, lambda: _tutorial_room(clients))
            return
        with ExitStack() as stack:
            # One signing key for every server: a token from one is good on the others.
            env = {**self.env, "CASEWORKS_SECRET_KEY": secrets.token_urlsafe(48)}
            env["CASEWORKS_ACCESS_TOKEN_MINUTES"] = "600"  # the users log in once per bench
            if self.postgres:
                scratch = scratch_postgres_database(os.environ[POSTGRES_ENV], migrate=True)
                env["CASEWORKS_DATABASE_URL"] = stack.enter_context(scratch)
            bases = []
            for _ in range(self.servers):
                workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
                bases.append(stack.enter_context(running(Target(self.name, True, env), workdir)))
            tokens = _users(bases[0], clients + 1)
            room = lambda: _caseworks_room(bases, tokens)  # noqa: E731
            yield Plan(self.name, True, room, self.closed_loop)


def chat_targets() -> list[ChatTarget]:
    redis = os.environ.get(REDIS_ENV, "redis://127.0.0.1:6379/0")
    memory = {"CASEWORKS_STORAGE": "memory"}
    found = [
        ChatTarget("tutorial ConnectionManager"),
        ChatTarget("caseworks memory, in-process bus", memory),
    ]
    if _redis_reachable(redis):
        found.append(ChatTarget("caseworks memory, Redis bus", {**memory, REDIS: redis}))
        if os.environ.get(POSTGRES_ENV):
            name = "caseworks postgres, Redis bus, 2 servers"
            two = ChatTarget(name, {REDIS: redis}, servers=2, postgres=True, closed_loop=False)
            found.append(two)
    return found


def _redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1):
            return True
    except OSError:
        return False


@contextmanager
def _tutorial_room(clients: int) -> Iterator[Room]:
    with tempfile.TemporaryDirectory() as workdir, _tutorial(Path(workdir)) as base:
        ws = base.replace("http://", "ws://")
        members = [Client(i, f"{ws}/ws/{i}", {}, True) for i in range(clients)]
        yield Room(members, f"{ws}/ws/{clients}", {})


@contextmanager
def _tutorial(workdir: Path) -> Iterator[str]:
    port = free_port()
    log_path = workdir / "server.log"
    command = [sys.executable, "-m", "uvicorn", "bench.chat_baseline_app:app"]
    command += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log_path)
        yield base
    finally:
        process.kill()  # a stalled broadcast would hold a graceful shutdown
        process.wait()


def _users(base: str, count: int) -> list[str]:
    """`count` users, each with a bearer token of its own (the rate limit is per user)."""
    tokens = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(count):
            body = {"username": f"chat-{i}", "password": PASSWORD}
            client.post("/register", json=body).raise_for_status()
            login = client.post("/login", json=body)
            login.raise_for_status()
            tokens.append(str(login.json()["access_token"]))
    return tokens


@contextmanager
def _caseworks_room(bases: list[str], tokens: list[str]) -> Iterator[Room]:
    """A fresh public room per run: the clients join it by connecting, to the servers in
    turn; the stalled one to the first."""
    headers = [{"Authorization": f"Bearer {token}"} for token in tokens]
    with httpx.Client(base_url=bases[0], timeout=30) as client:
        created = client.post("/rooms", json={"name": "bench"}, headers=headers[0])
        created.raise_for_status()
    path = f"/ws/rooms/{created.json()['id']}"
    urls = [base.replace("http://", "ws://") + path for base in bases]
    members = [Client(i, urls[i % len(urls)], headers[i], True) for i in range(len(tokens) - 1)]
    yield Room(members, urls[0], headers[-1])


def open_stalled(url: str, headers: dict[str, str]) -> socket.socket:
    """A WebSocket client that completes the handshake and then never reads: a raw socket
    with a small receive buffer and segment size (set before connecting)."""
    parts = urlsplit(url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, STALLED_RECEIVE_BUFFER)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, STALLED_SEGMENT)
    sock.connect((parts.hostname or "127.0.0.1", parts.port or 80))
    key = base64.b64encode(os.urandom(16)).decode()
    head = [
        f"GET {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    answer = b""
    while not answer.endswith(b"\r\n\r\n"):  # byte by byte: read nothing past the head
        byte = sock.recv(1)
        if not byte:
            raise RuntimeError(f"stalled client refused: {answer!r}")
        answer += byte
    if not answer.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(f"stalled client refused: {answer!r}")
    return sock


def stalled_outcome(sock: socket.socket, seconds: float = 5) -> str:
    """After the run, read what the server sent the stalled client: `closed <code>` when
    its frames end with a close frame (the server may still await the reply), `dropped`
    when the stream ends without one, else `still open`."""
    data = bytearray()
    sock.settimeout(seconds)  # a bound on each read; the server pushes its backlog fast
    ended = True
    try:
        while chunk := sock.recv(1 << 16):
            data += chunk
    except TimeoutError:
        ended = False
    except OSError:
        pass
    code = _close_code(bytes(data))
    if code is not None:
        return f"closed {code}"
    return "dropped" if ended else "still open"


def _close_code(stream: bytes) -> int | None:
    """The code of the close frame in a server's (unmasked) frames, if there is one."""
    at = 0
    while at + 2 <= len(stream):
        opcode, length = stream[at] & 0x0F, stream[at + 1] & 0x7F
        at += 2
        if length >= 126:
            size = 2 if length == 126 else 8
            length, at = int.from_bytes(stream[at : at + size], "big"), at + size
        payload, at = stream[at : at + length], at + length
        if opcode == 0x8:
            return int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
    return None
