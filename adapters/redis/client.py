"""One Redis client per process, failing fast: the chat bus and presence handle an
outage themselves (the bus reconnects with backoff), so the client never retries."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def create_redis_client(url: str) -> Redis:
    return Redis.from_url(
        url,
        retry=Retry(NoBackoff(), 0),
        socket_connect_timeout=2.0,
        socket_timeout=5.0,
        health_check_interval=0,
    )
