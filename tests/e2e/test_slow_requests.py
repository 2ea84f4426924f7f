"""A real server closes requests that stop half-sent, and stays up while many do.

Raw sockets against `caseworks serve` with short timeouts: a head must be whole within
HEAD_TIMEOUT of the connection (a trickle does not extend it), a body may not pause for
BODY_IDLE_TIMEOUT. Bounds are checked with SLACK for a loaded two-core machine; the lower
bounds only show that the configured value, not some other timer, did the closing.
"""

from __future__ import annotations

import json
import resource
import selectors
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from entrypoints.http.server import LINGER_SECONDS
from tests.e2e.conftest import Server, environment_in, running_server

HEAD_TIMEOUT = 2.0
BODY_IDLE_TIMEOUT = 1.0
SLACK = 1.5
CROWD_SLACK = 3.0  # 2,000 answers, closes and log lines on a shared machine
# The crowd's server has longer limits, so the crowd is still held, not already timed out,
# while /health/live answers behind 2,000 accepts on a loaded two-core machine (CI once took
# over 2 s there); how long the answer took is printed, not asserted.
CROWD_HEAD_TIMEOUT = 8.0
CROWD_BODY_IDLE_TIMEOUT = 6.0
HEALTH_WAIT = CROWD_BODY_IDLE_TIMEOUT - 2.0
EARLY = 0.25  # asyncio may fire a timer this much before our clock says it is due
HALF_OPEN = 2000
SERVER_OPEN_FILES = 4096

HALF_HEAD = b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: "
BODY = b'{"username": "%s", "password": "correct horse battery staple"}'


def _post_head(content_length: int, extra: bytes = b"") -> bytes:
    return (
        b"POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n%s\r\n" % (content_length, extra)
    )


HALF_BODY = _post_head(1000) + b'{"username'  # 10 of 1,000 bytes


@pytest.fixture(scope="module")
def slow_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    directory = tmp_path_factory.mktemp("slow")
    env = environment_in(directory)
    env.update(
        CASEWORKS_REQUEST_HEAD_TIMEOUT_SECONDS=str(int(HEAD_TIMEOUT)),
        CASEWORKS_REQUEST_BODY_IDLE_TIMEOUT_SECONDS=str(int(BODY_IDLE_TIMEOUT)),
    )
    return env, directory


@pytest.fixture(scope="module")
def server(slow_env: tuple[dict[str, str], Path]) -> Iterator[Server]:
    env, directory = slow_env
    with running_server(env, directory, open_files=SERVER_OPEN_FILES) as running:
        yield running


@pytest.fixture(scope="module")
def crowd_server(slow_env: tuple[dict[str, str], Path]) -> Iterator[Server]:
    env, directory = slow_env
    env = env | {
        "CASEWORKS_REQUEST_HEAD_TIMEOUT_SECONDS": str(int(CROWD_HEAD_TIMEOUT)),
        "CASEWORKS_REQUEST_BODY_IDLE_TIMEOUT_SECONDS": str(int(CROWD_BODY_IDLE_TIMEOUT)),
    }
    with running_server(env, directory, open_files=SERVER_OPEN_FILES) as running:
        yield running


def test_a_head_that_stops_midway_gets_408_at_the_head_deadline(server: Server) -> None:
    with _connect(server.port) as sock:
        started = time.monotonic()
        sock.sendall(HALF_HEAD)
        answer, closed = _read_until_closed(sock, HEAD_TIMEOUT + SLACK)
        seconds = time.monotonic() - started
    assert closed, f"still open after {seconds:.1f} s"
    _assert_408(answer)
    assert HEAD_TIMEOUT - EARLY <= seconds <= HEAD_TIMEOUT + SLACK


def test_a_body_that_stops_gets_408_after_the_idle_limit(server: Server) -> None:
    with _connect(server.port) as sock:
        sock.sendall(HALF_BODY)
        started = time.monotonic()
        answer, closed = _read_until_closed(sock, BODY_IDLE_TIMEOUT + SLACK)
        seconds = time.monotonic() - started
    assert closed, f"still open after {seconds:.1f} s"
    _assert_408(answer)
    assert BODY_IDLE_TIMEOUT - EARLY <= seconds <= BODY_IDLE_TIMEOUT + SLACK


def test_a_trickled_head_is_still_closed_at_its_deadline(server: Server) -> None:
    # One byte every 0.5 s: each arrives well within any idle limit, so only a deadline
    # on the whole head can end it.
    with _connect(server.port) as sock:
        started = time.monotonic()
        sock.sendall(HALF_HEAD)
        sent = 0
        while time.monotonic() - started < 3 * HEAD_TIMEOUT:
            if _readable(sock, 0.5):
                break
            try:
                sock.sendall(b"x")
            except OSError:
                break
            sent += 1
        answer, closed = _read_until_closed(sock, SLACK)
        seconds = time.monotonic() - started
    assert closed, f"still open after {seconds:.1f} s and {sent} trickled bytes"
    _assert_408(answer)
    assert sent >= 2
    assert HEAD_TIMEOUT - EARLY <= seconds <= HEAD_TIMEOUT + SLACK


def test_a_keep_alive_client_may_pause_between_requests(server: Server) -> None:
    # Idle between requests is uvicorn's keep-alive (5 s), longer than both our limits.
    with _connect(server.port) as sock:
        for pause in (0.0, HEAD_TIMEOUT + 0.5, 0.0):
            time.sleep(pause)
            sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert _read_response(sock).startswith(b"HTTP/1.1 200 ")
        body = BODY % b"keepalive"
        sock.sendall(_post_head(len(body)) + body)
        assert _read_response(sock).startswith(b"HTTP/1.1 201 ")


def test_a_slow_but_steady_body_is_received(server: Server) -> None:
    body = BODY % b"steady"
    pieces = [body[i : i + 5] for i in range(0, len(body), 5)]
    assert len(pieces) * 0.2 > 2 * BODY_IDLE_TIMEOUT  # longer in total than the idle limit
    with _connect(server.port) as sock:
        sock.sendall(_post_head(len(body), b"Connection: close\r\n"))
        for piece in pieces:
            time.sleep(0.2)
            sock.sendall(piece)
        answer, closed = _read_until_closed(sock, 5)
    assert closed
    assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]


def test_many_half_sent_requests_neither_stop_health_nor_outlive_the_limits(
    crowd_server: Server,
) -> None:
    server = crowd_server
    _allow_open_files(HALF_OPEN + 200)
    fds_before = _open_fds(server.pid)
    socks: list[socket.socket] = []
    try:
        started = time.monotonic()
        for index in range(HALF_OPEN):
            sock = _connect(server.port)
            socks.append(sock)
            sock.sendall(HALF_HEAD if index % 2 else HALF_BODY)
        opened = time.monotonic()

        health = httpx.get(f"{server.base_url}/health/live", timeout=HEALTH_WAIT)
        answered = time.monotonic()
        held = _open_fds(server.pid) - fds_before
        assert health.status_code == 200
        assert held >= HALF_OPEN - 10  # none of the crowd's limits is over yet

        answers = _read_all_until_closed(socks, opened + CROWD_HEAD_TIMEOUT + CROWD_SLACK)
        closed_at = time.monotonic()
        still_open = HALF_OPEN - len(answers)
        assert still_open == 0, f"{still_open} connections still open"
        assert all(answer.startswith(b"HTTP/1.1 408 ") for answer in answers.values())

        # Our sockets stay open: the server lets go of its own after a short linger.
        fds_after = _wait_for_fds(
            server.pid, fds_before + 10, closed_at + LINGER_SECONDS + CROWD_SLACK
        )
        print(
            f"opened {HALF_OPEN} in {opened - started:.2f} s; /health/live answered "
            f"{answered - opened:.2f} s later while the server held {held} of them; all "
            f"closed {closed_at - opened:.2f} s after the last opened; server descriptors "
            f"{fds_before} -> {fds_after}"
        )
        assert fds_after <= fds_before + 10
    finally:
        for sock in socks:
            sock.close()
    assert httpx.get(f"{server.base_url}/health/live", timeout=HEALTH_WAIT).status_code == 200


def test_the_limits_hold_with_several_workers(slow_env: tuple[dict[str, str], Path]) -> None:
    # Workers are spawned from a pickled config: the timeouts must travel with it.
    env, directory = slow_env
    with running_server(env, directory, "--workers", "2") as server, _connect(server.port) as sock:
        started = time.monotonic()
        sock.sendall(HALF_HEAD)
        answer, closed = _read_until_closed(sock, HEAD_TIMEOUT + SLACK)
        seconds = time.monotonic() - started
    assert closed
    _assert_408(answer)
    assert HEAD_TIMEOUT - EARLY <= seconds <= HEAD_TIMEOUT + SLACK


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _readable(sock: socket.socket, seconds: float) -> bool:
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        return bool(selector.select(seconds))


def _read_until_closed(sock: socket.socket, seconds: float) -> tuple[bytes, bool]:
    """What the server sent, and whether it closed the connection within `seconds`."""
    deadline = time.monotonic() + seconds
    received = b""
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            return received, True
        if not chunk:
            return received, True
        received += chunk
    return received, False


def _read_response(sock: socket.socket) -> bytes:
    """One response with a Content-Length, leaving the connection open."""
    sock.settimeout(5)
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {received!r}"
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def _read_all_until_closed(socks: list[socket.socket], deadline: float) -> dict[int, bytes]:
    """Each connection the server closed before the deadline, with what it sent."""
    received = {id(sock): b"" for sock in socks}
    closed: dict[int, bytes] = {}
    with selectors.DefaultSelector() as selector:
        for sock in socks:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ, data=sock)
        while len(closed) < len(socks) and (left := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(left):
                sock = key.data
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    chunk = b""
                if chunk:
                    received[id(sock)] += chunk
                else:
                    selector.unregister(sock)
                    closed[id(sock)] = received[id(sock)]
    return closed


def _allow_open_files(count: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count:
        if hard != resource.RLIM_INFINITY and hard < count:
            pytest.skip(f"needs {count} open files, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


def _open_fds(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


def _wait_for_fds(pid: int, most: int, deadline: float) -> int:
    while (count := _open_fds(pid)) > most and time.monotonic() < deadline:
        time.sleep(0.1)
    return count


def _assert_408(response: bytes) -> None:
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), response[:200]
    assert b"content-type: application/problem+json" in head.lower()
    assert b"connection: close" in head.lower()
    problem = json.loads(body)
    assert problem["status"] == 408
    assert problem["code"] == "request_timeout"
    assert problem["title"] == "Request Timeout"
