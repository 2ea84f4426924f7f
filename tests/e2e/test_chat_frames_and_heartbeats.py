"""Limits of a real server's chat sockets: a frame over 16 KiB is closed with 1009, and a
peer that stops answering pings is closed (the server pings every CASEWORKS_WS_PING_SECONDS,
1 s here)."""

from __future__ import annotations

import asyncio
import json

import httpx

from tests.e2e.chat_clients import ChatClient
from tests.e2e.chat_cluster import TIMEOUT, ChatCluster, new_room, sign_up
from tests.e2e.chat_server import PING_SECONDS
from tests.e2e.tcp_state import ended_within

FRAME_LIMIT = 16 * 1024


async def test_a_frame_over_16_kib_is_closed_1009(chat_server: ChatCluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        (alice,) = await sign_up(http, chat_server, 1)
        room = await new_room(http, chat_server)
    url = chat_server.ws(0, f"/ws/rooms/{room}")
    client = await ChatClient.open(url, alice, compression=None)
    fits = json.dumps({"type": "ping", "pad": "x" * (FRAME_LIMIT - 40)})
    assert len(fits.encode()) <= FRAME_LIMIT
    await client.socket.send(fits)  # at the limit: answered
    await client.socket.send(json.dumps({"type": "message", "text": "still here"}))
    await client.wait_for_count(1)
    assert [m["text"] for m in client.messages] == ["still here"]
    await client.socket.send(json.dumps({"type": "ping", "pad": "x" * FRAME_LIMIT}))
    assert await client.closed() == 1009


async def test_a_peer_that_stops_answering_pings_is_closed(chat_server: ChatCluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        (alice,) = await sign_up(http, chat_server, 1)
        room = await new_room(http, chat_server)
    url = chat_server.ws(0, f"/ws/rooms/{room}")
    # ping_interval=None: the client itself pings nothing; it still answers the server's
    # pings while it reads, so this one lives through several of them...
    alive = await ChatClient.open(url, alice, ping_interval=None)
    await asyncio.sleep(2 * PING_SECONDS)
    assert alive.close_code is None
    # ...and once it stops reading (no pong goes back), the server ends the connection.
    alive.socket.transport.pause_reading()
    took = await ended_within(alive.socket.transport.get_extra_info("socket"), 10)
    assert took is not None, "the server kept a peer that answers no ping"
    print(f"a silent peer was closed {took:.2f}s after it stopped reading")
    assert took <= 2 * PING_SECONDS + 2
