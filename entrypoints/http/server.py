"""uvicorn's httptools protocol with a limit on the size of a request's head.

llhttp (httptools) has no header size limit, and httptools joins a header's pieces into
one bytes object: four clients streaming 100 MB headers took the server from 88 MB to
553 MB and health checks to seconds. This protocol counts the bytes of each request's
line + headers as they arrive and answers 431 once they pass the limit, which it reads
from `config.h11_max_incomplete_event_size`, so that the h11 protocol (its own knob) and
this one share one setting, and the limit travels with the config to `--workers` processes.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

DEFAULT_MAX_HEAD_BYTES = 32 * 1024
# A chunk's size line and CRLFs: generous, so that only trailers or absurd framing count.
_FRAMING_PER_CHUNK = 32
# After the 431, keep reading (and dropping) what the client already sent for a moment:
# closing with unread data makes the kernel send a reset that can destroy the answer.
LINGER_SECONDS = 2.0


class HeadLimitedHttpToolsProtocol(HttpToolsProtocol):
    """Refuses, with 431, a request whose line + headers pass `max_head_bytes`."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_head_bytes = config.h11_max_incomplete_event_size or DEFAULT_MAX_HEAD_BYTES
        self._in_head = False  # a request has begun and its headers are not complete yet
        self._head_bytes = 0  # bytes received for that request's head so far
        self._completed_in_read = False  # a request ended within the read being parsed
        self._refused = False
        # After the head: bytes that were not body (chunk framing, trailers). httptools
        # gathers trailers like headers, so these are bounded too.
        self._in_body = False
        self._framing_bytes = 0
        self._body_in_read = 0
        self._chunks = 0

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # dropped: nothing more is parsed or buffered on this connection
        self._completed_in_read = False
        self._body_in_read = 0
        was_in_body = self._in_body
        super().data_received(data)
        if self.transport.is_closing():
            return
        if was_in_body and self._in_body:  # a read wholly inside one message's body part
            self._framing_bytes += len(data) - self._body_in_read
            if self._framing_bytes > 2 * self.max_head_bytes + _FRAMING_PER_CHUNK * self._chunks:
                self.logger.warning("chunk framing or trailers too large: refused")
                self._refused = True
                self.transport.close()  # the app may be reading the body: end it now
            return
        if not self._in_head:
            return
        # Counted after parsing: the parser then holds at most the limit plus one read.
        # A request that began behind another in this read (pipelining) is not charged
        # for it: its share of the read is unknown, and charging the other request's
        # bytes to it would refuse a legitimate request. Its next reads count in full.
        if not self._completed_in_read:
            self._head_bytes += len(data)
        if self._head_bytes > self.max_head_bytes:
            self._refuse()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._in_body, self._framing_bytes, self._chunks = True, 0, 0
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._body_in_read += len(body)
        super().on_body(body)

    def on_chunk_header(self) -> None:
        self._chunks += 1

    def on_message_complete(self) -> None:
        self._completed_in_read = True
        self._in_body = False
        super().on_message_complete()

    def _refuse(self) -> None:
        self._refused = True
        self.logger.warning("request headers over %d bytes: refused", self.max_head_bytes)
        if self.cycle is not None and not self.cycle.response_complete:
            # An earlier pipelined request is being answered: a 431 written now would land
            # inside its response. Let it finish, then close (keep_alive off does that).
            self.cycle.keep_alive = False
            self.flow.pause_reading()
            return
        self.transport.write(self._too_large_response())
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the client sees the end; its EOF then closes us
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    def _too_large_response(self) -> bytes:
        detail = f"the request line and headers are larger than {self.max_head_bytes} bytes"
        problem = {
            "type": "about:blank",
            "title": "Request Header Fields Too Large",
            "status": 431,
            "detail": detail,
            "code": "headers_too_large",
        }
        body = json.dumps(problem).encode()
        head = [STATUS_LINE[431]]
        for name, value in self.server_state.default_headers:
            head.append(name + b": " + value + b"\r\n")
        head.append(b"content-type: application/problem+json\r\n")
        head.append(b"content-length: %d\r\n" % len(body))
        head.append(b"connection: close\r\n\r\n")
        return b"".join(head) + body
