"""A TCP proxy that holds what the client sends for a while before passing it on: on
localhost a SUBSCRIBE otherwise reaches Redis before anything sent after it on another
connection, which hides a subscribe() that returns before Redis confirmed it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while chunk := await reader.read(65536):
            if delay:
                await asyncio.sleep(delay)
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


@asynccontextmanager
async def slow_upstream_proxy(host: str, port: int, delay: float) -> AsyncIterator[int]:
    """Listens on a free local port (yielded); client-to-server bytes wait `delay`."""
    pipes: set[asyncio.Task[None]] = set()

    async def handle(
        client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        server_reader, server_writer = await asyncio.open_connection(host, port)
        for task in (
            asyncio.create_task(_pipe(client_reader, server_writer, delay)),
            asyncio.create_task(_pipe(server_reader, client_writer, 0)),
        ):
            pipes.add(task)
            task.add_done_callback(pipes.discard)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in tuple(pipes):
            task.cancel()
        await asyncio.gather(*pipes, return_exceptions=True)
