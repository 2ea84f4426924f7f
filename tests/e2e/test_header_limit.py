"""A real server refuses oversized request heads early (431), without growing in memory."""

from __future__ import annotations

import json
import select
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.conftest import Server, running_server

HEAD_LIMIT = 32 * 1024  # the default CASEWORKS_MAX_HEADER_BYTES
FLOOD_BYTES = 100 * 1024 * 1024
FLOOD_CHUNK = b"a" * (64 * 1024)
FLOOD_SECONDS = 15  # the old server took all 100 MB; stop it failing slowly, not hanging
MAX_SENT = 8 * 1024 * 1024  # refused long before 100 MB (loopback buffers hold a few MB)
MAX_GROWTH_KB = 30 * 1024
REQUEST_LINE = b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@dataclass
class Flood:
    sent: int
    seconds: float  # until the server answered or closed
    response: bytes


def test_streamed_huge_headers_are_refused_early_without_memory_growth(server: Server) -> None:
    assert httpx.get(f"{server.base_url}/health/live").status_code == 200  # warm
    rss_before = _memory_kb(server.pid, "VmRSS")
    _reset_peak(server.pid)

    with ThreadPoolExecutor(4) as pool:
        floods = list(pool.map(lambda _: _flood(server.port), range(4)))

    rss_after, peak = _memory_kb(server.pid, "VmRSS"), _memory_kb(server.pid, "VmHWM")
    refusals = ", ".join(f"{f.sent // 1024} KiB in {f.seconds * 1000:.1f} ms" for f in floods)
    print(f"RSS {rss_before} -> {rss_after} kB, peak {peak} kB; sent before refusal: {refusals}")
    for flood in floods:
        assert flood.sent < MAX_SENT, f"still reading after {flood.sent} bytes"
        _assert_431(flood.response)
    assert rss_after - rss_before < MAX_GROWTH_KB
    assert peak - rss_before < MAX_GROWTH_KB

    started = time.monotonic()
    assert httpx.get(f"{server.base_url}/health/live", timeout=5).status_code == 200
    assert time.monotonic() - started < 0.5
    padded = httpx.get(f"{server.base_url}/health/live", headers={"X-Pad": "p" * 8192})
    assert padded.status_code == 200


def test_a_head_split_in_small_pieces_is_counted_as_a_whole(server: Server) -> None:
    # 1 KiB pieces, each far below the limit: only the running total can refuse them.
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(REQUEST_LINE)
        for index in range(2 * HEAD_LIMIT // 1024):
            if select.select([sock], [], [], 0.002)[0]:
                break
            sock.sendall(b"X-Piece-%d: %s\r\n" % (index, b"p" * 1000))
        _assert_431(_read_until_closed(sock))


def test_pipelined_requests_under_the_limit_are_all_answered(server: Server) -> None:
    # Three heads of 24 KiB in a row: together over the limit, each one under it. The
    # pause splits the second head across reads, after the first request in the same read.
    head = REQUEST_LINE + b"X-Pad: " + b"p" * (24 * 1024) + b"\r\n"
    requests = head + b"\r\n" + head + b"\r\n" + head + b"Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        split = len(head) + 2 + 20 * 1024
        sock.sendall(requests[:split])
        time.sleep(0.2)
        sock.sendall(requests[split:])
        answers = _read_until_closed(sock)
    assert answers.count(b"HTTP/1.1 200 ") == 3, answers[:300]


def test_the_limit_holds_with_several_workers(tmp_path: Path, server_env: dict[str, str]) -> None:
    # Workers are spawned from a pickled config: the protocol class must travel with it.
    with running_server(server_env, tmp_path, "--workers", "2") as server:
        _assert_431(_flood(server.port).response)
        padded = httpx.get(f"{server.base_url}/health/live", headers={"X-Pad": "p" * 8192})
        assert padded.status_code == 200


def _flood(port: int) -> Flood:
    """Streams one header value in 64 KiB chunks until the server answers or closes."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(REQUEST_LINE + b"X-Flood: ")
        sent = 0
        try:
            while sent < FLOOD_BYTES and time.monotonic() - started < FLOOD_SECONDS:
                if select.select([sock], [], [], 0)[0]:
                    break  # answered or closed
                sock.sendall(FLOOD_CHUNK)
                sent += len(FLOOD_CHUNK)
        except OSError:  # reset, broken pipe or a stalled send: the server stopped reading
            pass
        seconds = time.monotonic() - started
        return Flood(sent, seconds, _read_until_closed(sock))


def _read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except OSError:
        pass
    return received


def _assert_431(response: bytes) -> None:
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 "), response[:200]
    assert b"content-type: application/problem+json" in head.lower()
    assert b"connection: close" in head.lower()
    problem = json.loads(body)
    assert problem["status"] == 431
    assert problem["code"] == "headers_too_large"
    assert problem["title"] == "Request Header Fields Too Large"


def _memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for process {pid}")


def _reset_peak(pid: int) -> None:
    """VmHWM restarts from the current RSS, so a brief spike during the floods shows."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def test_huge_chunked_trailers_are_cut_off_without_memory_growth(server: Server) -> None:
    """Trailers after a chunked body are parsed like headers: they are bounded too."""
    rss_before = _memory_kb(server.pid, "VmRSS")
    _reset_peak(server.pid)
    head = (
        b"POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    body = b'{"username": "trailer", "password": "correct horse battery staple"}'
    sent = 0
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head + b"%x\r\n%s\r\n0\r\nX-Trailer: " % (len(body), body))
        try:
            while sent < FLOOD_BYTES:
                sock.sendall(FLOOD_CHUNK)
                sent += len(FLOOD_CHUNK)
        except OSError:
            pass  # closed by the server: the point
    peak = _memory_kb(server.pid, "VmHWM")
    print(f"sent {sent // 1024} KiB of trailer; RSS {rss_before} kB, peak {peak} kB")
    assert sent < MAX_SENT
    assert peak - rss_before < MAX_GROWTH_KB
    assert httpx.get(f"{server.base_url}/health/live", timeout=5).status_code == 200


def test_an_ordinary_chunked_body_is_still_accepted(server: Server) -> None:
    body = b'{"username": "chunky", "password": "correct horse battery staple"}'
    pieces = [body[i : i + 7] for i in range(0, len(body), 7)]
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    head = (
        b"POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head)
        for piece in chunked.split(b"\r\n0\r\n")[0].split(b"\r\n"):
            sock.sendall(piece + b"\r\n")
            time.sleep(0.001)
        sock.sendall(b"0\r\n\r\n")
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]
