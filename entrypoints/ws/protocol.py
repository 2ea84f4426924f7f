"""uvicorn's WebSocket protocol (websockets, sans-I/O), made to let go of a peer that
reads nothing.

asyncio's `transport.close()` waits for its write buffer to drain before it closes the
socket, uvicorn's `send` waits until the transport is writable again, and a closed socket
still holds its unsent bytes in the kernel (FIN-WAIT-1) while the peer's window stays
shut. Measured on a real server: a chat reader that stopped reading kept its connection
and ~330 KB of kernel buffer after the chat closed it (1013) and after it answered no
ping. Here, once the peer had its chance, the connection is reset (SO_LINGER 0: the
kernel drops what is unsent and sends RST):
- a close the app asks for waits at most CLOSE_GRACE for a full buffer to drain;
- after a close frame went out, the peer's reply is awaited `close_timeout` (10 s);
- a peer that answers no ping within the ping timeout is reset at once;
- once the app is done, the connection has `close_timeout` to end."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

CLOSE_GRACE = 1.0
_RESET_ON_CLOSE = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s


class StallProofWebSocketProtocol(WebSocketsSansIOProtocol):
    _lost = False

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        super().connection_lost(exc)

    async def send(self, message: ASGISendEvent) -> None:
        closing = message["type"] == "websocket.close" and self.handshake_complete
        if closing and not self.writable.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.writable.wait(), CLOSE_GRACE)
            if not self.writable.is_set():
                self._reset()  # connection_lost follows: the app sees a disconnect
                return
        await super().send(message)
        if closing and self.close_timer is not None:
            self.close_timer.cancel()
            self.close_timer = self.loop.call_later(self.close_timeout, self._reset)

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        self._reset()

    async def run_asgi(self) -> None:
        await super().run_asgi()
        self.loop.call_later(self.close_timeout, self._reset)

    def _reset(self) -> None:
        if self._lost:
            return
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
        self.transport.abort()
