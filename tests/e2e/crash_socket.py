"""A chat client of tests/e2e/test_crash_safety.py that posts over the WebSocket: its
acknowledgement is the room's copy of its message (sent after the commit, by the bus),
recognised by the client_id."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.e2e.crash_load import Ledger, World, Write, next_write


async def post_over_socket_until_killed(base_url: str, world: World, ledger: Ledger) -> None:
    """One client: a message at a time on a socket to one room, until the server dies.
    A write is what the HTTP route would take (a retry after the restart goes there)."""
    rng = random.Random()
    room = rng.choice(world.rooms)
    user = rng.choice(world.users)
    url = "ws" + base_url.removeprefix("http") + f"/ws/rooms/{room}"
    async with connect(url, additional_headers=user, proxy=None) as socket:
        ready = json.loads(await socket.recv())
        assert ready["type"] == "ready", ready
        while not ledger.killed:
            write = next_write("messages", world, rng)
            write = Write(write.context, f"/rooms/{room}/messages", write.body, user)
            ledger.in_flight += 1
            try:
                answer = await _post(socket, write)
            except ConnectionClosed:
                if not ledger.killed:
                    raise
                ledger.unknown["messages"].append(write)
                return
            finally:
                ledger.in_flight -= 1
            if answer["type"] == "message":
                ledger.acknowledge(write, answer)
                continue
            code = answer["code"]  # a socket's refusal has no status: the HTTP route's
            ledger.refused[("messages", 429 if code == "rate_limited" else 0, code)] += 1
            await asyncio.sleep(0.2)


async def _post(socket: ClientConnection, write: Write) -> dict[str, Any]:
    """Our message's copy, or an error frame: other writers' messages are skipped."""
    await socket.send(json.dumps({"type": "message", **write.body}))
    while True:
        frame: dict[str, Any] = json.loads(await socket.recv())
        mine = frame.get("client_id") == write.body["client_id"]
        if frame["type"] == "error" or (frame["type"] == "message" and mine):
            return frame
