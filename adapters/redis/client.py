"""Redis clients, failing fast: the chat bus and presence handle an outage themselves (the
bus reconnects with backoff), and the limits fall back to this process (adapters/redis/
outage.py), so a client never retries."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

# What a call to an unreachable or failing Redis raises: its own errors, the socket's, and
# our timeouts around it.
REDIS_UNREACHABLE = (RedisError, OSError, TimeoutError)


def create_redis_client(url: str, timeout: float = 5.0, connect_timeout: float = 2.0) -> Redis:
    """`timeout` bounds every reply; the limits use a short one, as a login waits on it."""
    return Redis.from_url(
        url,
        retry=Retry(NoBackoff(), 0),
        socket_connect_timeout=connect_timeout,
        socket_timeout=timeout,
        health_check_interval=0,
    )
