"""Whether the server ended a TCP connection, seen from a client that reads nothing: the
kernel's TCP state (Linux TCP_INFO) moves off ESTABLISHED once a FIN or a reset arrives,
without the client consuming any byte (reading would drain the server's buffers and
let a stuck close complete, hiding what is tested)."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

ESTABLISHED = 1


def tcp_state(sock: Any) -> int:
    return int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0])


async def ended_within(sock: Any, seconds: float) -> float | None:
    """Seconds until the server ended the connection (FIN or reset), or None if it did not."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if tcp_state(sock) != ESTABLISHED:
                return time.monotonic() - started
        except OSError:  # reset and gone
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    return None
