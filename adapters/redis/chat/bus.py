"""The bus across servers: Redis pub/sub, one channel per room
(`<prefix>chat:room:<room_id>`), one pub/sub connection per process read by one task.

What encode/broadcaster got wrong, and what this does instead:
- subscribe() returns only once Redis has confirmed the room's channel (each SUBSCRIBE
  is matched with its own reply, in order), so a reader joining with a hundred others
  misses nothing published after it returned;
- the channels Redis holds are reconciled with the rooms that have local readers under
  one lock, whatever order joins and leaves interleave in, so a room that empties and
  fills again is subscribed again;
- events go straight to each reader's Deliver callback (its own bounded queue): the bus
  holds no queue per reader.
This server's own events are delivered locally when published (even with Redis down),
and their copy coming back from Redis is dropped by the server id in the envelope. Rooms
whose events this server could not publish are announced once Redis is back (a `resync`
envelope), so the other servers' readers fill the gap from storage even in a quiet room."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import deque
from collections.abc import Callable

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from adapters.redis.chat.rooms import Room, RoomSubscriber, deliver_all, resync_all
from adapters.redis.client import REDIS_UNREACHABLE
from application.chat.bus import BusUnavailable, ChatEvent, Deliver, MessageBus, Subscription

log = logging.getLogger("caseworks.chat.bus")
# A publish waits no longer than this on a Redis that accepts connections but does not
# answer: the sender's post would wait with it.
PUBLISH_TIMEOUT_SECONDS = 1.0


class _RedisSubscription(Subscription):
    def __init__(self, bus: RedisMessageBus, room: Room, subscriber: RoomSubscriber) -> None:
        self._bus = bus
        self._room = room
        self._subscriber = subscriber

    async def close(self) -> None:
        await self._bus._leave(self._room, self._subscriber)


class RedisMessageBus(MessageBus):
    def __init__(
        self,
        client: Redis,
        prefix: str = "",
        confirm_timeout: float = 5.0,
        ping_interval: float = 5.0,
        backoff: tuple[float, float] = (0.1, 5.0),
    ) -> None:
        self._client = client
        self._channel_prefix = f"{prefix}chat:room:"
        self._server_id = uuid.uuid4().hex
        self._confirm_timeout = confirm_timeout
        self._ping_interval = ping_interval
        self._backoff = backoff
        self._rooms: dict[str, Room] = {}
        # What Redis was asked to hold, and the rooms awaiting each SUBSCRIBE reply, in order.
        self._sent: dict[str, Room] = {}
        self._awaiting: dict[str, deque[Room]] = {}
        self._send_lock = asyncio.Lock()
        self._pubsub: PubSub | None = None  # set while connected
        self._reader: asyncio.Task[None] | None = None
        self._first_attempt = asyncio.Event()
        self._closed = False
        self._unannounced: set[str] = set()  # rooms with an event Redis never took

    async def publish(self, event: ChatEvent) -> None:
        self._start()
        room = self._rooms.get(event.room_id)
        if room is not None:
            deliver_all(room, event)
        await self._first_attempt.wait()
        if self._pubsub is None:
            # Known down: fail at once rather than wait on a connect per message.
            self._unannounced.add(event.room_id)
            raise BusUnavailable("Redis is unreachable")
        payload = json.dumps({"server": self._server_id, "frame": event.frame})
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_SECONDS):
                await self._client.publish(self._channel_prefix + event.room_id, payload)
        except REDIS_UNREACHABLE as exc:
            self._unannounced.add(event.room_id)
            raise BusUnavailable(f"Redis publish failed: {exc!r}") from exc
        if self._unannounced:  # a publish that failed alone, Redis answering again
            await self._announce_missed()

    async def _announce_missed(self) -> None:
        """After an outage: tell the other servers which rooms missed this one's events."""
        while self._unannounced:
            room_id = self._unannounced.pop()
            payload = json.dumps({"server": self._server_id, "resync": room_id})
            try:
                async with asyncio.timeout(PUBLISH_TIMEOUT_SECONDS):
                    await self._client.publish(self._channel_prefix + room_id, payload)
            except REDIS_UNREACHABLE:
                self._unannounced.add(room_id)  # next time Redis is back
                return

    async def subscribe(
        self, room_id: str, deliver: Deliver, resynced: Callable[[], None] | None = None
    ) -> Subscription:
        self._start()
        await self._first_attempt.wait()
        subscriber = RoomSubscriber(deliver, resynced)
        room = self._rooms.get(room_id)
        if room is None:
            room = Room(room_id, self._channel_prefix + room_id)
            self._rooms[room_id] = room
        room.subscribers[subscriber] = None
        if self._pubsub is None:
            # Redis is down: local events flow now, the rest after the reconnect (resynced).
            room.resync_when_ready = True
            room.release_waiters()
        else:
            await self._sync()
        try:
            await asyncio.wait_for(asyncio.shield(room.ready), self._confirm_timeout)
        except TimeoutError:
            log.warning("Redis did not confirm the subscription to %s in time", room.channel)
            room.resync_when_ready = True
        return _RedisSubscription(self, room, subscriber)

    async def healthy(self) -> bool:
        self._start()
        await self._first_attempt.wait()
        return self._pubsub is not None

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        self._rooms.clear()
        await self._client.aclose()

    async def _leave(self, room: Room, subscriber: RoomSubscriber) -> None:
        left = room.subscribers.pop(subscriber, False) is None
        if left and not room.subscribers and self._rooms.get(room.room_id) is room:
            del self._rooms[room.room_id]
            await self._sync()

    async def _sync(self) -> None:
        """Make Redis hold exactly the channels of the rooms with local readers. Under one
        lock, from the state at that moment: however joins and leaves interleave, the last
        sync sends what the final state needs."""
        async with self._send_lock:
            pubsub = self._pubsub
            if pubsub is None:
                return
            wanted = {room.channel: room for room in self._rooms.values()}
            subscribe = [
                room for channel, room in wanted.items() if self._sent.get(channel) is not room
            ]
            unsubscribe = [channel for channel in self._sent if channel not in wanted]
            # Recorded before sending: the reader may see the replies before send returns.
            for channel in unsubscribe:
                del self._sent[channel]
            for room in subscribe:
                self._sent[room.channel] = room
                self._awaiting.setdefault(room.channel, deque()).append(room)
            try:
                if unsubscribe:
                    await pubsub.unsubscribe(*unsubscribe)
                if subscribe:
                    await pubsub.subscribe(*(room.channel for room in subscribe))
            except (RedisError, OSError):
                log.warning("sending a (un)subscribe to Redis failed", exc_info=True)

    def _start(self) -> None:
        if self._reader is None and not self._closed:
            self._reader = asyncio.create_task(self._read_forever(), name="chat-bus-reader")

    async def _read_forever(self) -> None:
        delay = self._backoff[0]
        outage = False
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.connect()  # type: ignore[no-untyped-call]
                self._pubsub = pubsub
                self._first_attempt.set()
                await self._sync()
                await self._announce_missed()
                if outage:
                    log.warning(
                        "Redis is back: the chat bus resubscribed %d rooms", len(self._rooms)
                    )
                outage, delay = False, self._backoff[0]
                await self._read(pubsub)
            except REDIS_UNREACHABLE as exc:
                if not outage:
                    log.warning("the chat bus lost Redis (%s); retrying", exc)
                outage = True
            except Exception:  # a bug must not end the reader: start over, resynced
                log.exception("the chat bus reader failed; reconnecting")
                outage = True
            finally:
                await self._disconnected(pubsub)
            self._first_attempt.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])

    async def _read(self, pubsub: PubSub) -> None:
        loop = asyncio.get_running_loop()
        last_heard = last_ping = loop.time()
        while True:
            message = await pubsub.get_message(timeout=min(1.0, self._ping_interval))
            now = loop.time()
            if message is not None:
                last_heard = now
                self._handle(message)
            elif now - last_heard > 3 * self._ping_interval:
                raise TimeoutError("Redis stopped answering pings")
            if now - last_ping >= self._ping_interval:
                last_ping = now
                await pubsub.ping("caseworks-chat-bus")

    def _handle(self, message: dict[str, object]) -> None:
        kind = message["type"]
        channel = _text(message["channel"]) if message["channel"] is not None else ""
        if kind == "subscribe":
            waiting = self._awaiting.get(channel)
            if waiting:
                waiting.popleft().confirmed()
                if not waiting:
                    del self._awaiting[channel]
        elif kind == "message":
            room = self._rooms.get(channel.removeprefix(self._channel_prefix))
            try:
                envelope = json.loads(_text(message["data"]))
                origin = envelope["server"]
            except (ValueError, KeyError, TypeError):
                log.warning("dropped a malformed event on %s", channel)
                return
            if room is None or origin == self._server_id:
                return
            if "resync" in envelope:
                resync_all(room)
            elif isinstance(envelope.get("frame"), dict):
                deliver_all(room, ChatEvent(room.room_id, envelope["frame"]))

    async def _disconnected(self, pubsub: PubSub) -> None:
        self._pubsub = None
        async with self._send_lock:
            self._sent.clear()
            self._awaiting.clear()
        # Waiting subscribers return now; their rooms resync once Redis is back.
        for room in self._rooms.values():
            room.resync_when_ready = True
            room.release_waiters()
        try:
            await pubsub.aclose()
        except (RedisError, OSError):
            log.debug("closing a broken pub/sub connection failed", exc_info=True)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
