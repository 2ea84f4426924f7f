"""A reader that never reads, on a real server: a raw TCP socket (small receive buffer)
that completes the WebSocket handshake and then reads nothing. Everyone else still gets
every message promptly, and the server ends the stalled connection (1013 at its bounded
outbox, or the TCP connection dropped): seen from the stalled side without reading a byte."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
from urllib.parse import urlsplit

import httpx

from tests.e2e.chat_clients import (
    ChatClient,
    assert_every_message_once_in_order,
    close_all,
    open_all,
)
from tests.e2e.chat_cluster import TIMEOUT, ChatCluster, User, new_room, sign_up
from tests.e2e.tcp_state import ended_within

SENDERS, EACH_SENDS = 4, 20  # within each sender's burst: no rate-limit waits
TEXT = "z" * 3900  # large frames fill the stalled peer's buffers after a few dozen


def stalled_socket(url: str, user: User) -> socket.socket:
    """A WebSocket handshake by hand on a socket with a tiny receive buffer; after the
    101 it is never read again."""
    parts = urlsplit(url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
    sock.connect((parts.hostname, parts.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: Bearer {user.token}\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)  # byte by byte: nothing past the response head is consumed
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


async def test_a_reader_that_never_reads_delays_no_one_and_is_dropped(
    chat_server: ChatCluster,
) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        staller, *users = await sign_up(http, chat_server, SENDERS + 2)
        room = await new_room(http, chat_server)
    url = chat_server.ws(0, f"/ws/rooms/{room}")
    stalled = await asyncio.to_thread(stalled_socket, url, staller)
    clients = await open_all([(url, user) for user in users])
    try:
        senders = clients[:SENDERS]
        await asyncio.gather(*(s.post_many(EACH_SENDS, TEXT) for s in senders))
        total = SENDERS * EACH_SENDS
        await asyncio.gather(*(c.wait_for_count(total) for c in clients))
        assert_every_message_once_in_order(clients, total)
        print(f"others' max delivery latency: {max_latency(clients) * 1000:.1f} ms")
        took = await ended_within(stalled, 15)
        assert took is not None, "the server still holds the connection of a reader that stalled"
        print(f"the stalled connection ended {took:.2f}s after the last message")
    finally:
        stalled.close()
        await close_all(clients)


def max_latency(clients: list[ChatClient]) -> float:
    """From a sender's send to a reader's receipt, the worst over every message and reader."""
    sent = {cid: at for c in clients for cid, at in c.sent_at.items()}
    worst = 0.0
    for client in clients:
        for message in client.messages:
            started = sent[str(message["client_id"])]
            worst = max(worst, client.arrived[int(message["id"])] - started)
    return worst
