"""The chat's bus and presence, picked by CASEWORKS_REDIS_URL: unset, one process
(in-process bus, presence in memory: `make run` needs no Redis); set, Redis, so several
servers share rooms. The container holds one per process (a Singleton)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from adapters.memory.chat.bus import InProcessMessageBus
from adapters.memory.chat.presence import InMemoryPresence
from adapters.memory.readiness import InMemoryReadinessProbe
from adapters.redis.chat.bus import RedisMessageBus
from adapters.redis.chat.presence import RedisPresence
from adapters.redis.client import create_redis_client
from adapters.redis.readiness import BusReadinessProbe
from application.chat.bus import MessageBus
from application.chat.presence import Presence
from application.shared.ports import Clock, ReadinessProbe

PRESENCE_TTL_SECONDS = 30.0


@dataclass(frozen=True)
class ChatFanout:
    bus: MessageBus
    presence: Presence
    readiness: ReadinessProbe


def closing_chat_fanout(
    resources: AsyncExitStack[bool | None], redis_url: str | None, clock: Clock, prefix: str = ""
) -> ChatFanout:
    if redis_url is None:
        bus: MessageBus = InProcessMessageBus()
        resources.push_async_callback(bus.close)
        return ChatFanout(
            bus, InMemoryPresence(clock, PRESENCE_TTL_SECONDS), InMemoryReadinessProbe()
        )
    client = create_redis_client(redis_url)
    bus = RedisMessageBus(client, prefix)
    resources.push_async_callback(bus.close)  # closes the client too
    presence = RedisPresence(client, prefix, clock, PRESENCE_TTL_SECONDS)
    return ChatFanout(bus, presence, BusReadinessProbe(bus))
