"""The chat's socket seen from outside a real server: a foreign Origin is closed with 1008
before any frame, a ticket opens one socket only, and the server's log (at DEBUG) never
holds a ticket, a token or a password."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.e2e.chat_clients import ChatClient
from tests.e2e.chat_cluster import TIMEOUT, ChatCluster, new_room, sign_up
from tests.e2e.chat_server import ALLOWED_ORIGIN
from tests.e2e.shop_cluster import PASSWORD


async def refused_before_any_frame(url: str, **options: object) -> int:
    """The close code of a socket the server closes without sending a frame."""
    async with connect(url, proxy=None, **options) as socket:  # type: ignore[arg-type]
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)  # a frame: DID NOT RAISE
    assert closed.value.rcvd is not None, "closed without a close frame"
    return closed.value.rcvd.code


async def ticket_of(http: httpx.AsyncClient, cluster: ChatCluster, headers: dict[str, str]) -> str:
    issued = await http.post(f"{cluster.http(0)}/chat/tickets", headers=headers)
    assert issued.status_code == 201, issued.text
    ticket: str = issued.json()["ticket"]
    return ticket


async def test_a_foreign_origin_is_closed_1008_before_any_frame(chat_server: ChatCluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        (alice,) = await sign_up(http, chat_server, 1)
        room = await new_room(http, chat_server)
    url = chat_server.ws(0, f"/ws/rooms/{room}")
    for foreign in ("https://evil.example", "http://127.0.0.1.evil.example", "null"):
        code = await refused_before_any_frame(url, additional_headers=alice.headers, origin=foreign)
        assert code == 1008, foreign
    # The same socket from an allowed page, and from the server's own origin, opens.
    for origin in (ALLOWED_ORIGIN, chat_server.http(0)):
        client = await ChatClient.open(url, alice, origin=origin)
        assert client.ready.result()["room_id"] == room
        await client.close()


async def test_a_ticket_opens_one_socket_and_never_reaches_the_log(
    chat_server: ChatCluster,
) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        (alice,) = await sign_up(http, chat_server, 1)
        room = await new_room(http, chat_server)
        ticket = await ticket_of(http, chat_server, alice.headers)
        unused = await ticket_of(http, chat_server, alice.headers)
        refused = await ticket_of(http, chat_server, alice.headers)
    url = chat_server.ws(0, f"/ws/rooms/{room}")
    client = await ChatClient.open(f"{url}?ticket={ticket}")
    posted = await client.post("hello with a ticket")
    assert posted["author_id"] == alice.id
    await client.close()
    assert await refused_before_any_frame(f"{url}?ticket={ticket}") == 1008  # used once
    # A ticket that a foreign page got hold of is refused (Origin first), and stays unlogged.
    foreign = await refused_before_any_frame(
        f"{url}?ticket={refused}", origin="https://evil.example"
    )
    assert foreign == 1008
    await asyncio.sleep(0.2)  # the server writes its last lines
    log_text = "\n".join(chat_server.servers[0].log_lines())
    assert f"/ws/rooms/{room}" in log_text  # the sockets were logged, by path
    for secret in (ticket, unused, refused, alice.token, PASSWORD):
        assert secret not in log_text, f"the server log leaks {secret[:12]}..."
