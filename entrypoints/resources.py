"""What the container opens and closes: engines, readers, the password hasher, the chat's
bus and presence, the limits; each picked by the settings and closed with the container's
resources (entrypoints/container.py)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.accounts.throttle import InMemoryKnownClients, InMemoryLoginThrottle
from adapters.memory.chat.bus import InProcessMessageBus
from adapters.memory.chat.presence import InMemoryPresence
from adapters.memory.chat.rate import InMemoryRateLimiter
from adapters.memory.readiness import InMemoryReadinessProbe
from adapters.metrics.prometheus import PrometheusMetrics
from adapters.redis.accounts.fallback import FallbackKnownClients, FallbackLoginThrottle
from adapters.redis.accounts.throttle import RedisKnownClients, RedisLoginThrottle
from adapters.redis.chat.bus import RedisMessageBus
from adapters.redis.chat.presence import RedisPresence
from adapters.redis.chat.rate import FallbackRateLimiter, RedisRateLimiter
from adapters.redis.chat.readiness import BusReadinessProbe
from adapters.redis.client import create_redis_client
from adapters.redis.keys import HashedKeys
from adapters.redis.outage import RedisOutage
from adapters.security.accounts.argon2_hasher import Argon2PasswordHasher
from adapters.security.accounts.argon2_processes import ProcessPoolPasswordHasher
from adapters.sql.engine import create_engine
from adapters.sql.sqlite_reads import create_sqlite_reader
from application.accounts.ports import KnownClients, LoginThrottle, PasswordHasher
from application.chat.bus import MessageBus
from application.chat.ports import RateLimiter
from application.chat.presence import Presence
from application.shared.events import NO_EVENTS, BusinessEvents
from application.shared.ports import Clock, ReadinessProbe


def prometheus_metrics(enabled: bool) -> PrometheusMetrics | None:
    return PrometheusMetrics() if enabled else None


def business_events_from(metrics: PrometheusMetrics | None) -> BusinessEvents:
    return NO_EVENTS if metrics is None else metrics


def closing_engine(
    resources: AsyncExitStack[bool | None],
    url: str,
    pool_size: int,
    autocommit: bool = False,
    metrics: PrometheusMetrics | None = None,
) -> AsyncEngine:
    engine = create_engine(url, pool_size, autocommit)
    resources.push_async_callback(engine.dispose)
    if metrics is not None:
        metrics.watch_pool("read" if autocommit else "write", engine.pool)
    return engine


def closing_sqlite_reader(
    resources: AsyncExitStack, url: str, metrics: PrometheusMetrics | None = None
) -> Engine:
    reader = create_sqlite_reader(url)
    resources.callback(reader.dispose)
    if metrics is not None:
        metrics.watch_pool("read", reader.pool)
    return reader


def closing_hasher(
    resources: AsyncExitStack[bool | None],
    profile: str,
    threads: int,
    workers: int,
    max_waiting: int,
    niceness: int,
) -> PasswordHasher:
    """Worker processes of lower priority (closed with the resources); 0 workers: threads."""
    if workers == 0:
        return Argon2PasswordHasher(profile, threads)
    hasher = ProcessPoolPasswordHasher(profile, workers, max_waiting, niceness)
    resources.push_async_callback(hasher.close)
    return hasher


# The chat's bus and presence, picked by CASEWORKS_REDIS_URL: unset, one process (`make
# run` needs no Redis); set, Redis, so several servers share rooms.
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


@dataclass(frozen=True)
class Limits:
    """How many logins and chat posts are let through: counted in this process when
    CASEWORKS_REDIS_URL is unset, else on Redis for every server (this process's own
    standing in while Redis is unreachable: adapters/redis/outage.py)."""

    login_throttle: LoginThrottle  # per account and client address (and password changes)
    account_throttle: LoginThrottle  # per account, from any address
    known_clients: KnownClients
    chat_rate: RateLimiter


@dataclass(frozen=True)
class LimitSettings:
    login_max_failures: int
    account_max_failures: int
    window_seconds: int
    known_client_days: int


def closing_limits(
    resources: AsyncExitStack[bool | None],
    redis_url: str | None,
    clock: Clock,
    numbers: LimitSettings,
    prefix: str = "",
    secret: str = "",
    timeout: float = 1.0,
) -> Limits:
    window = numbers.window_seconds
    local = Limits(
        InMemoryLoginThrottle(clock, numbers.login_max_failures, window),
        InMemoryLoginThrottle(clock, numbers.account_max_failures, window),
        InMemoryKnownClients(clock, numbers.known_client_days),
        InMemoryRateLimiter(),
    )
    if redis_url is None:
        return local
    # A client of its own, with short timeouts: a login waits on it (the bus's is patient).
    client = create_redis_client(redis_url, timeout=timeout, connect_timeout=timeout)
    resources.push_async_callback(client.aclose)
    keys = HashedKeys(prefix, secret)
    outage = RedisOutage()  # one for all: one warning per outage

    def throttle(kind: str, max_failures: int, fallback: LoginThrottle) -> LoginThrottle:
        shared = RedisLoginThrottle(client, keys, kind, clock, max_failures, window)
        return FallbackLoginThrottle(shared, fallback, outage)

    return Limits(
        throttle("accounts:throttle:client", numbers.login_max_failures, local.login_throttle),
        throttle("accounts:throttle:account", numbers.account_max_failures, local.account_throttle),
        FallbackKnownClients(
            RedisKnownClients(client, keys, clock, numbers.known_client_days),
            local.known_clients,
            outage,
        ),
        FallbackRateLimiter(RedisRateLimiter(client, keys), local.chat_rate, outage),
    )
