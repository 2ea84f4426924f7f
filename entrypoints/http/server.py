"""uvicorn's httptools protocol with bounds on how large and how slow a request may be.

Size: llhttp (httptools) has no header size limit, and httptools joins a header's pieces
into one bytes object: four clients streaming 100 MB headers took the server from 88 MB
to 553 MB and health checks to seconds. This protocol counts the bytes of each request's
line + headers as they arrive and answers 431 once they pass the limit, which it reads
from `config.h11_max_incomplete_event_size`, so that the h11 protocol (its own knob) and
this one share one setting, and the limit travels with the config to `--workers` processes.

Time: uvicorn only bounds a kept-alive connection's silence after a response. A head that
stopped midway, or a body that stopped after 10 of its 1,000 bytes, was held for ever, and
1,100 such connections under a 1,024 open-file limit stopped the server accepting any.
Here a request's head must be whole within `RequestTimeouts.head` of the connection
opening (or of its first byte on a kept-alive connection): a deadline, so trickling a byte
at a time does not extend it. A body may pause no longer than `RequestTimeouts.body_idle`.
Past either, the client gets a 408 if nothing was answered yet, and the connection closes.
The timeouts ride on `ServerConfig`, which uvicorn pickles whole to `--workers` processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import Server, ServerState
from uvicorn.supervisors import Multiprocess

DEFAULT_MAX_HEAD_BYTES = 32 * 1024
# A chunk's size line and CRLFs: generous, so that only trailers or absurd framing count.
_FRAMING_PER_CHUNK = 32
# After a 431 or 408, keep reading (and dropping) what the client still sends for a moment:
# closing with unread data makes the kernel send a reset that can destroy the answer.
LINGER_SECONDS = 2.0


@dataclass(frozen=True)
class RequestTimeouts:
    head: float = 10.0  # from the connection (or a request's first byte) to its last header
    body_idle: float = 30.0  # the longest pause within a request's body


class ServerConfig(Config):
    """uvicorn's Config plus our request timeouts, for `serve`."""

    def __init__(self, app: str, *, request_timeouts: RequestTimeouts, **options: Any) -> None:
        super().__init__(app, **options)
        self.request_timeouts = request_timeouts


def serve(config: ServerConfig) -> int:
    """What `uvicorn.run` does with its own Config: one process, or `config.workers`."""
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return 0
    server = Server(config)
    with contextlib.suppress(KeyboardInterrupt):  # re-raised by uvicorn after its shutdown
        server.run()
    return 0 if server.started else STARTUP_FAILURE


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Refuses a request whose line + headers pass `max_head_bytes` (431), and ends one
    whose head or body does not arrive in time (408)."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_head_bytes = config.h11_max_incomplete_event_size or DEFAULT_MAX_HEAD_BYTES
        # A plain Config (`uvicorn --http ...`) gets the defaults.
        self.timeouts = (
            config.request_timeouts if isinstance(config, ServerConfig) else RequestTimeouts()
        )
        self._in_head = False  # a request has begun and its headers are not complete yet
        self._head_bytes = 0  # bytes received for that request's head so far
        self._completed_in_read = False  # a request ended within the read being parsed
        self._refused = False  # answered or closing: nothing more is parsed
        self._upgraded = False  # handed to the WebSocket protocol: no longer ours
        # After the head: bytes that were not body (chunk framing, trailers). httptools
        # gathers trailers like headers, so these are bounded too.
        self._in_body = False
        self._framing_bytes = 0
        self._body_in_read = 0
        self._chunks = 0
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # uvicorn times out silence only after a response: a client that connects and
        # sends nothing meets the head deadline instead.
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timers()
        super().connection_lost(exc)

    def handle_websocket_upgrade(self) -> None:
        self._upgraded = True
        self._stop_timers()
        super().handle_websocket_upgrade()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # dropped: nothing more is parsed or buffered on this connection
        self._completed_in_read = False
        self._body_in_read = 0
        was_in_body = self._in_body
        super().data_received(data)
        if self.transport.is_closing() or self._upgraded:
            return
        if was_in_body and self._in_body:  # a read wholly inside one message's body part
            self._count_framing(len(data) - self._body_in_read)
        elif self._in_head:
            self._count_head(len(data))
        if not self._refused:
            self._reset_timers()

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

    # Size

    def _count_framing(self, framing: int) -> None:
        self._framing_bytes += framing
        if self._framing_bytes > 2 * self.max_head_bytes + _FRAMING_PER_CHUNK * self._chunks:
            self.logger.warning("chunk framing or trailers too large: refused")
            self._refused = True
            self.transport.close()  # the app may be reading the body: end it now

    def _count_head(self, received: int) -> None:
        # Counted after parsing: the parser then holds at most the limit plus one read.
        # A request that began behind another in this read (pipelining) is not charged
        # for it: its share of the read is unknown, and charging the other request's
        # bytes to it would refuse a legitimate request. Its next reads count in full.
        if not self._completed_in_read:
            self._head_bytes += received
        if self._head_bytes > self.max_head_bytes:
            self.logger.warning("request headers over %d bytes: refused", self.max_head_bytes)
            detail = f"the request line and headers are larger than {self.max_head_bytes} bytes"
            self._refuse(431, "Request Header Fields Too Large", detail, "headers_too_large")

    # Time

    def _reset_timers(self) -> None:
        """After each read: a head runs against its deadline, a body against its idle
        limit; a request being answered is the app's time, not the client's."""
        if self._in_body:
            self._stop_head_timer()
            self._restart_body_timer()
        elif self._in_head or not self._answering():
            self._stop_body_timer()
            self._start_head_timer()  # the deadline of a head already begun stands
        else:
            self._stop_head_timer()
            self._stop_body_timer()

    def _start_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.timeouts.head, self._head_expired)

    def _restart_body_timer(self) -> None:
        self._stop_body_timer()
        self._body_timer = self.loop.call_later(self.timeouts.body_idle, self._body_idle_expired)

    def _head_expired(self) -> None:
        self._head_timer = None
        if self.flow.read_paused:  # we stopped reading (pipelining): the wait is ours
            self._start_head_timer()
            return
        if not self._in_head:  # connected, or sent only blank lines: nothing to answer
            self._refused = True
            self.transport.close()
            return
        self.logger.info("request head not received within %g s: 408", self.timeouts.head)
        detail = f"the request line and headers did not arrive within {self.timeouts.head:g} s"
        self._refuse(408, "Request Timeout", detail, "request_timeout")

    def _body_idle_expired(self) -> None:
        self._body_timer = None
        cycle = self.cycle
        if self.flow.read_paused or cycle.waiting_for_100_continue:
            # The app has not asked for (more of) the body yet: the client waits on us.
            self._restart_body_timer()
            return
        self.logger.info("request body idle for %g s: closed", self.timeouts.body_idle)
        self._refused = True
        if cycle.response_started:
            self.transport.close()  # an answer is under way: a 408 cannot follow it
            return
        # The app's receive() now reports a disconnect and what it sends is dropped, so
        # the 408 is the one answer on the wire.
        cycle.disconnected = True
        cycle.message_event.set()
        detail = f"the request body paused for more than {self.timeouts.body_idle:g} s"
        self._answer_and_close(self._problem(408, "Request Timeout", detail, "request_timeout"))

    def _answering(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _stop_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _stop_timers(self) -> None:
        self._stop_head_timer()
        self._stop_body_timer()
        if self._linger_timer is not None:
            self._linger_timer.cancel()
            self._linger_timer = None

    # Answers

    def _refuse(self, status: int, title: str, detail: str, code: str) -> None:
        """Answers a request whose head was refused, and closes the connection."""
        self._refused = True
        self._stop_timers()
        if self._answering():
            # An earlier pipelined request is being answered: an answer written now would
            # land inside its response. Let it finish, then close (keep_alive off does that).
            self.cycle.keep_alive = False
            self.flow.pause_reading()
            return
        self._answer_and_close(self._problem(status, title, detail, code))

    def _answer_and_close(self, response: bytes) -> None:
        self.transport.write(response)
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the client sees the end; its EOF then closes us
            self._linger_timer = self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    def _problem(self, status: int, title: str, detail: str, code: str) -> bytes:
        problem = {"type": "about:blank", "title": title, "status": status}
        body = json.dumps({**problem, "detail": detail, "code": code}).encode()
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head.append(name + b": " + value + b"\r\n")
        head.append(b"content-type: application/problem+json\r\n")
        head.append(b"content-length: %d\r\n" % len(body))
        head.append(b"connection: close\r\n\r\n")
        return b"".join(head) + body
