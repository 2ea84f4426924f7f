"""Two real `caseworks serve` processes sharing one database (a SQLite file, or PostgreSQL)
and one Redis: 10 sockets on each server in one room, 4 senders (2 per server) posting 50
messages each at once; every socket receives all 200, ids 1..200 in order, none twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.chat_clients import (
    ChatClient,
    assert_every_message_once_in_order,
    close_all,
    open_all,
)
from tests.e2e.chat_cluster import (
    TIMEOUT,
    ChatCluster,
    assert_quiet,
    chat_redis_url,
    new_room,
    sign_up,
    start_chat_cluster,
    stored_ids,
)
from tests.e2e.shop_cluster import BACKENDS

PER_SERVER = 10
SENDERS_PER_SERVER = 2
EACH_SENDS = 50
TOTAL = 2 * SENDERS_PER_SERVER * EACH_SENDS


@pytest.fixture(scope="module", params=BACKENDS)
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ChatCluster]:
    backend: str = request.param
    redis = chat_redis_url()
    with start_chat_cluster(backend, tmp_path_factory.mktemp(f"chat-{backend}"), redis) as running:
        yield running


async def test_every_socket_on_either_server_gets_every_message_in_order(
    cluster: ChatCluster,
) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        room = await new_room(http, cluster)
        users = await sign_up(http, cluster, 2 * PER_SERVER)
        path = f"/ws/rooms/{room}"
        clients = await open_all([(cluster.ws(i, path), user) for i, user in enumerate(users)])
        try:
            # Clients 0..3 are the senders: 0 and 2 on the first server, 1 and 3 on the second.
            senders = clients[: 2 * SENDERS_PER_SERVER]
            acks = await asyncio.gather(
                *(sender.post_many(EACH_SENDS, f"sender {n}") for n, sender in enumerate(senders))
            )
            assert sorted(int(a["id"]) for sent in acks for a in sent) == list(range(1, TOTAL + 1))
            await asyncio.gather(*(client.wait_for_count(TOTAL) for client in clients))
            assert_every_message_once_in_order(clients, TOTAL)
            first: ChatClient = clients[0]
            texts = {int(m["id"]): m["text"] for m in first.messages}
            for client in clients[1:]:  # the same message under each id, everywhere
                assert {int(m["id"]): m["text"] for m in client.messages} == texts
            for index in range(2):
                assert await stored_ids(http, cluster, index, room) == list(range(1, TOTAL + 1))
        finally:
            await close_all(clients)
    await asyncio.sleep(0.5)  # the servers log each socket as its handler ends
    assert_quiet(cluster)
