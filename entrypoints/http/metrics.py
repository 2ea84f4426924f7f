"""GET /metrics: the Prometheus text format, for the clients CASEWORKS_METRICS_ALLOW names.

Any other client gets the same 404 as a path that names nothing: it learns nothing, not
even that metrics exist here. The address judged is the one uvicorn gives the app, which
is the X-Forwarded-For address only for the proxies in CASEWORKS_TRUSTED_PROXIES. A
request carrying forwarding headers while no proxy is trusted came through a proxy we
cannot see past: its peer address (often 127.0.0.1, the proxy's) says nothing about the
client, so it is refused, lest a same-host reverse proxy publish /metrics to everyone.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from adapters.metrics.prometheus import PrometheusMetrics
from entrypoints.background import repeating
from entrypoints.http.problems import problem_response

METRICS_URL = "/metrics"
FLUSH_SECONDS = 1.0  # how far behind a worker's requests may be in another's scrape
_FORWARDING_HEADERS = frozenset({b"x-forwarded-for", b"forwarded", b"x-real-ip"})

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class MetricsAccess:
    networks: tuple[Network, ...]
    any_client: bool = False
    proxies_trusted: bool = False

    @classmethod
    def of(cls, allowed: Iterable[str], proxies_trusted: bool) -> MetricsAccess:
        entries = list(allowed)
        networks = tuple(ipaddress.ip_network(e, strict=False) for e in entries if e != "*")
        return cls(networks, "*" in entries, proxies_trusted)

    def permits(self, scope: Scope) -> bool:
        if self.any_client:
            return True
        if not self.proxies_trusted and any(
            name in _FORWARDING_HEADERS for name, _ in scope["headers"]
        ):
            return False
        client = scope.get("client")
        try:
            address = ipaddress.ip_address(client[0]) if client else None
        except ValueError:  # a Unix socket's peer, or a test client's made-up name
            return False
        if address is None:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        return any(address in network for network in self.networks)


def install_metrics(app: FastAPI, metrics: PrometheusMetrics, access: MetricsAccess) -> None:
    async def scrape(request: Request) -> Response:
        if not access.permits(request.scope):
            return problem_response(404, "not_found", "Not Found")
        metrics.flush()  # on the loop's thread, the one that tallies
        # Off the loop: with --workers N this reads every worker's files.
        body = await run_in_threadpool(metrics.exposition)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app.add_route(METRICS_URL, scrape, methods=["GET"], include_in_schema=False)


@asynccontextmanager
async def flushing(metrics: PrometheusMetrics | None) -> AsyncIterator[None]:
    """While the server runs: this worker's tallies reach its metrics every second (for
    the scrapes other workers answer), and its last ones when it stops."""
    if metrics is None:
        yield
        return

    async def flush() -> None:
        metrics.flush()

    try:
        async with repeating("caseworks-metrics", lambda: FLUSH_SECONDS, flush):
            yield
    finally:
        metrics.process_stopping()
