"""Two real servers on one SQLite file and a throwaway redis-server that is killed and
started again: while it is away both say so (/health/ready 503), posting still works (the
message is stored and the sender's own server delivers it), and once it is back every
socket on either server has every message, in order, none twice; nothing stored is lost."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import httpx

from tests.e2e.chat_clients import ChatClient, close_all, open_all
from tests.e2e.chat_cluster import (
    TIMEOUT,
    ChatCluster,
    new_room,
    sign_up,
    start_chat_cluster,
    stored_ids,
)
from tests.support.redis import ThrowawayRedis

READERS_PER_SERVER = 3
BEFORE, DURING = 5, 10


async def ready_statuses(http: httpx.AsyncClient, cluster: ChatCluster) -> list[int]:
    answers = await asyncio.gather(
        *(http.get(f"{s.base_url}/health/ready") for s in cluster.servers)
    )
    return [a.status_code for a in answers]


async def until_ready_is(http: httpx.AsyncClient, cluster: ChatCluster, status: int) -> float:
    started = time.monotonic()
    while (seen := await ready_statuses(http, cluster)) != [status, status]:
        assert time.monotonic() - started < 15, f"/health/ready stayed {seen}"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


def ids_of(clients: list[ChatClient]) -> list[list[int]]:
    return [client.ids for client in clients]


async def test_messages_posted_while_redis_is_away_reach_everyone_once_it_is_back(
    tmp_path: Path,
) -> None:
    redis = ThrowawayRedis()  # skips without redis-server (fails in CI)
    await redis.start()
    with contextlib.ExitStack() as stack:
        try:
            cluster = await asyncio.to_thread(
                stack.enter_context, start_chat_cluster("sqlite", tmp_path, redis.url)
            )
            async with httpx.AsyncClient(timeout=TIMEOUT) as http:
                await outage(http, cluster, redis)
        finally:
            await asyncio.to_thread(stack.close)
            await redis.stop()


async def outage(http: httpx.AsyncClient, cluster: ChatCluster, redis: ThrowawayRedis) -> None:
    room = await new_room(http, cluster)
    users = await sign_up(http, cluster, 2 * (READERS_PER_SERVER + 1))
    path = f"/ws/rooms/{room}"
    # Even indexes on the first server, odd on the second; 0 and 1 also send.
    clients = await open_all([(cluster.ws(i, path), user) for i, user in enumerate(users)])
    first, second = clients[0::2], clients[1::2]
    try:
        await first[0].post_many(BEFORE, "before")
        await asyncio.gather(*(c.wait_for_count(BEFORE) for c in clients))
        await redis.stop()
        took = await until_ready_is(http, cluster, 503)
        print(f"both servers not ready {took:.2f}s after Redis was killed")
        # The first server's sender, then the second's: both stored and acknowledged.
        await first[0].post_many(DURING, "first server, Redis away")
        await second[0].post_many(DURING, "second server, Redis away")
        total = BEFORE + 2 * DURING
        await asyncio.gather(*(c.wait_for_count(total) for c in second))
        await asyncio.gather(*(c.wait_for_count(BEFORE + DURING) for c in first))
        # The second server's sockets had everything: its own posts, and the gap before
        # them from storage. The first server's stop at its own last post, for now.
        assert ids_of(second) == [list(range(1, total + 1))] * len(second)
        assert ids_of(first) == [list(range(1, BEFORE + DURING + 1))] * len(first)
        assert await stored_ids(http, cluster, 0, room) == list(range(1, total + 1))
        await redis.start()
        took = await until_ready_is(http, cluster, 200)
        print(f"both servers ready {took:.2f}s after Redis came back")
        await asyncio.gather(*(c.wait_for_count(total) for c in first))
        assert ids_of(first) == [list(range(1, total + 1))] * len(first)
        # And live across servers again.
        await second[0].post("after the outage")
        await asyncio.gather(*(c.wait_for_count(total + 1) for c in clients))
        assert ids_of(clients) == [list(range(1, total + 2))] * len(clients)
        for index in range(2):
            assert await stored_ids(http, cluster, index, room) == list(range(1, total + 2))
    finally:
        await close_all(clients)
