"""Catch-up on a real server: a socket that left reconnects with `?after=<last id seen>`
and gets exactly what it missed, then the live messages, with no gap and no duplicate,
while others keep posting during its replay."""

from __future__ import annotations

import asyncio

import httpx

from tests.e2e.chat_clients import ChatClient, close_all, open_all
from tests.e2e.chat_cluster import TIMEOUT, ChatCluster, new_room, sign_up

BEFORE, WHILE_AWAY, DURING_REPLAY = 5, 30, 40


async def test_a_reconnecting_socket_gets_the_missed_then_the_live_ones(
    chat_server: ChatCluster,
) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        reader, *posters = await sign_up(http, chat_server, 4)
        room = await new_room(http, chat_server)
    url = chat_server.ws(0, f"/ws/rooms/{room}")
    away = await ChatClient.open(url, reader)
    senders = await open_all([(url, user) for user in posters])
    try:
        await senders[0].post_many(BEFORE, "before")
        await away.wait_for_count(BEFORE)
        last_seen = away.last_id
        assert last_seen == BEFORE
        await away.close()
        await asyncio.gather(*(s.post_many(WHILE_AWAY // 3, "away") for s in senders))
        # Posts go on while the reader reconnects and its replay runs.
        posting = asyncio.gather(*(s.post_many(DURING_REPLAY // 2, "live") for s in senders[1:]))
        await asyncio.sleep(0.05)
        back = await ChatClient.open(f"{url}?after={last_seen}", reader)
        await posting
        total = BEFORE + WHILE_AWAY + DURING_REPLAY
        await back.wait_for_count(total - last_seen)
        assert back.ids == list(range(last_seen + 1, total + 1))
        ready_at = next(i for i, f in enumerate(back.frames) if f["type"] == "ready")
        replayed = [f["id"] for f in back.frames[:ready_at]]
        # The replay is every id it missed up to what was stored when it came back.
        assert replayed == list(range(last_seen + 1, back.frames[ready_at]["last_id"] + 1))
        assert len(replayed) >= WHILE_AWAY
        print(f"replayed {len(replayed)}, then {len(back.ids) - len(replayed)} live")
        await back.close()
    finally:
        await close_all(senders)
