"""The chat load generator's clients: one worker process runs its share of a room's clients
(the `websockets` package's asyncio client), every client reading every frame, some
sending. A message's text carries `~sender:seq:sent_at_ns~` (wall clock, shared by the
processes of one machine), so each reader measures the delivery latency of what it gets."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

# The server allows 10 messages/s per user (burst 20): a sender of the closed loop never
# sends faster than this, so the bench measures delivery, never the rate limit.
MAX_PER_SENDER = 8.0
ECHO_TIMEOUT = 2.0  # a sender whose own copy never comes sends its next one after this
GRACE = 2.0  # after the last send, how long readers keep reading for late deliveries
# Every message's text is this long (a few sentences): the same on both servers.
TEXT_CHARS = 256


@dataclass(frozen=True)
class Client:
    index: int  # its number in the room, unique across the workers
    url: str
    headers: dict[str, str]
    sends: bool


@dataclass(frozen=True)
class Load:
    """`rate` None: a closed loop, each sender sends its next message once its own copy has
    come back (at most MAX_PER_SENDER a second). Else `rate` messages/s in all, spread
    evenly over the senders whatever comes back (an open loop)."""

    rate: float | None
    seconds: float
    warmup: float
    json_frames: bool  # Caseworks: {"type": "message", ...}; the tutorial: plain text
    senders: int = 1  # in the whole room (all workers): each one's share of `rate`


@dataclass
class Tally:
    """What one worker saw of the messages sent during the measured window."""

    sent: dict[int, int] = field(default_factory=dict)  # sender index -> messages
    latencies_ms: list[float] = field(default_factory=list)  # one per delivery
    errors: int = 0  # error frames received
    close_codes: dict[int, int] = field(default_factory=dict)  # clients the server closed
    connect_failures: int = 0


class _Clock:
    def __init__(self, start_ns: int, load: Load) -> None:
        self.window_start = start_ns + int(load.warmup * 1e9)
        self.window_end = self.window_start + int(load.seconds * 1e9)

    def in_window(self, sent_ns: int) -> bool:
        return self.window_start <= sent_ns < self.window_end


async def open_clients(clients: list[Client]) -> list[ClientConnection | None]:
    async def one(client: Client) -> ClientConnection | None:
        try:
            return await connect(
                client.url,
                additional_headers=client.headers,
                compression=None,  # the same for both servers; the client's CPU is scarce
                proxy=None,
                max_queue=None,  # read everything: these clients never push back
                ping_interval=None,
                open_timeout=30,
            )
        except (OSError, TimeoutError, ConnectionClosed, ValueError):
            return None
        except Exception as error:  # an HTTP refusal (InvalidStatus) and the like
            print(f"client {client.index}: {error!r}", flush=True)
            return None

    opened = []
    for start in range(0, len(clients), 20):  # a burst of 100 handshakes times out
        opened += await asyncio.gather(*(one(c) for c in clients[start : start + 20]))
    return opened


async def run(
    clients: list[Client], sockets: list[ClientConnection | None], load: Load, start_ns: int
) -> Tally:
    tally = Tally(connect_failures=sum(s is None for s in sockets))
    clock = _Clock(start_ns, load)
    readers, sending = [], []
    for client, socket in zip(clients, sockets, strict=True):
        if socket is None:
            continue
        echoed = asyncio.Event()
        readers.append(asyncio.create_task(_read(client, socket, clock, tally, echoed)))
        if client.sends:
            sending.append(_send(client, socket, load, clock, tally, echoed))
    await asyncio.gather(*sending)
    # Late deliveries of the window's messages still count, until GRACE after its end.
    await asyncio.sleep(max(0.0, (clock.window_end + int(GRACE * 1e9) - time.time_ns()) / 1e9))
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    for socket in sockets:
        if socket is not None:
            await socket.close()
    return tally


async def _send(
    client: Client,
    socket: ClientConnection,
    load: Load,
    clock: _Clock,
    tally: Tally,
    echoed: asyncio.Event,
) -> None:
    if load.rate is None:
        interval = 1 / MAX_PER_SENDER
        next_at = clock.window_start - int(load.warmup * 1e9)
    else:
        interval = load.senders / load.rate  # each sender's share of the rate, phases spread
        next_at = clock.window_start - int(load.warmup * 1e9) + int(client.index * 1e9 / load.rate)
    seq = 0
    while True:
        await asyncio.sleep(max(0.0, (next_at - time.time_ns()) / 1e9))
        sent_ns = time.time_ns()
        if sent_ns >= clock.window_end:
            return
        seq += 1
        echoed.clear()
        try:
            await socket.send(_frame(client, seq, sent_ns, load.json_frames))
        except ConnectionClosed:
            return
        if clock.in_window(sent_ns):
            tally.sent[client.index] = tally.sent.get(client.index, 0) + 1
        next_at += int(interval * 1e9)
        if load.rate is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(echoed.wait(), ECHO_TIMEOUT)
            next_at = max(next_at, time.time_ns())


def _frame(client: Client, seq: int, sent_ns: int, json_frames: bool) -> str:
    stamp = f"~{client.index}:{seq}:{sent_ns}~"
    text = stamp + "x" * (TEXT_CHARS - len(stamp))
    if not json_frames:
        return text
    return json.dumps({"type": "message", "text": text, "client_id": f"b{client.index}-{seq}"})


async def _read(
    client: Client, socket: ClientConnection, clock: _Clock, tally: Tally, echoed: asyncio.Event
) -> None:
    own = f"~{client.index}:"
    try:
        async for frame in socket:
            now_ns = time.time_ns()
            assert isinstance(frame, str)
            start = frame.find("~")
            if start < 0 or frame.startswith("You wrote"):  # the tutorial's echo to the sender
                tally.errors += _is_error(frame)
                continue
            end = frame.index("~", start + 1)
            sent_ns = int(frame[frame.rindex(":", start, end) + 1 : end])
            if clock.in_window(sent_ns):
                tally.latencies_ms.append((now_ns - sent_ns) / 1e6)
            if client.sends and frame.startswith(own, start):
                echoed.set()
    except ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else 1006
        tally.close_codes[code] = tally.close_codes.get(code, 0) + 1


def _is_error(frame: str) -> bool:
    if not frame.startswith("{"):
        return False
    parsed: Any = json.loads(frame)
    return isinstance(parsed, dict) and parsed.get("type") == "error"


def work(clients: list[Client], load: Load, ready: Any, start: Any, results: Any) -> None:
    """A worker process: connect its clients, say so, wait for the common start, run."""
    asyncio.run(_work(clients, load, ready, start, results))


async def _work(clients: list[Client], load: Load, ready: Any, start: Any, results: Any) -> None:
    sockets = await open_clients(clients)
    ready.put(sum(s is not None for s in sockets))
    start_ns = await asyncio.get_running_loop().run_in_executor(None, start.get)
    results.put(await run(clients, sockets, load, start_ns))
