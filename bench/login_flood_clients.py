"""The login flood's two clients, on one asyncio loop: a fixed-rate probe (an authenticated
GET) and a closed-loop flood of wrong passwords; and the raw argon2 rate, with no server."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import argon2

from adapters.security.accounts.argon2_hasher import PROFILES, verify_or_false

DRAIN_SECONDS = 300


@dataclass
class Probe:
    """Latencies of requests sent at a fixed rate, one at a time, each from when it was
    sent. (Counted from when it was due, a probe that falls behind on a busy machine
    would add its own backlog to every later request.)"""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def p99_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else 0.0


@dataclass
class Flood:
    statuses: Counter[int] = field(default_factory=Counter)  # answered within the window
    errors: int = 0  # socket errors


async def probe_and_flood(
    url: str, headers: dict[str, str], rate: float, seconds: float, warmup: float, flooders: int
) -> tuple[Probe, Flood, float]:
    """The probe for `seconds` after `warmup`; the flood (none when `flooders` is 0) from
    the start until the probe ends. Returns the window's length too."""
    probe, flood = Probe(), Flood()
    start = time.perf_counter() + warmup
    end = start + seconds
    host, port = urlsplit(url).hostname or "", urlsplit(url).port or 80
    prefix = f"flood-{secrets.token_hex(4)}"  # each run's own names: none is ever throttled
    names = iter(range(10**9))  # shared: every attempt is a new (unknown) username
    tasks = [
        asyncio.create_task(_flooder(host, port, prefix, names, flood, start, end))
        for _ in range(flooders)
    ]
    await _probe(url, headers, rate, probe, start, end)
    # Each flooder stops once its login in flight is answered: the server has none left
    # over to slow down what is measured next.
    await asyncio.wait_for(asyncio.gather(*tasks), DRAIN_SECONDS)
    return probe, flood, seconds


async def _probe(
    url: str, headers: dict[str, str], rate: float, probe: Probe, start: float, end: float
) -> None:
    parts = urlsplit(url)
    head = [f"GET {parts.path} HTTP/1.1", f"Host: {parts.netloc}"]
    request = ("\r\n".join(head + [f"{k}: {v}" for k, v in headers.items()]) + "\r\n\r\n").encode()
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        due = start
        while due < end:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            sent = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            probe.latencies_ms.append((time.perf_counter() - sent) * 1000)
            if status != 200:
                probe.errors += 1
            due = max(due + 1 / rate, time.perf_counter())  # behind: the next one now
    finally:
        writer.close()


async def _flooder(
    host: str, port: int, prefix: str, names: Iterator[int], flood: Flood, start: float, end: float
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < end:
            body = json.dumps(
                {"username": f"{prefix}-{next(names)}", "password": "wrong-password-for-a-flood"}
            ).encode()
            writer.write(
                (
                    f"POST /login HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body
            )
            status = await _read_response(reader)
            if start <= time.perf_counter() <= end:
                flood.statuses[status] += 1
    except (OSError, asyncio.IncompleteReadError, IndexError, ValueError):
        flood.errors += 1
    finally:
        writer.close()


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(status_line.split()[1])


def raw_verify_rate(profile: str, seconds: float, niceness: int) -> float:
    """Wrong-password verifies of one hash per second, in a tight loop, in this process
    (the bench runs it in a process of its own, with no server), at the priority of the
    server's hashes: on a machine shared with other work, that work slows both alike."""
    os.nice(niceness)
    hasher = argon2.PasswordHasher.from_parameters(PROFILES[profile])
    stored = hasher.hash("the-right-password")
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        verify_or_false(hasher, stored, "wrong-password-for-a-flood")  # as the servers do
        done += 1
    return done / (time.perf_counter() - started)
