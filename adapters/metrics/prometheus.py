"""Prometheus metrics: one registry per app (two apps in one test process share nothing),
and prometheus-client's multiprocess mode when `caseworks serve --workers N` has set
PROMETHEUS_MULTIPROC_DIR (entrypoints/cli.py): each worker writes its values to files
there, and whichever worker answers the scrape adds them all up.

Requests are tallied in plain Python and handed to prometheus-client by `flush()`: before
each scrape, and every second (entrypoints/http/metrics.py), so a scrape of one worker is
at most that much behind the others. prometheus-client's own counter and histogram calls
cost 3-4x more per request (a lock, and in multiprocess mode an mmap write, for each).

Every label is bounded by construction, and none carries user data: a route's template
("/todos/{todo_id}", never the path), a known method or "other", the status, a pool's role.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from sqlalchemy import event
from sqlalchemy.pool import Pool

from application.shared.events import BusinessEvent, BusinessEvents

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
OTHER_METHOD = "other"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_EVENT_COUNTERS = {
    BusinessEvent.LOGIN_FAILED: ("caseworks_login_failures", "Logins refused: wrong credentials"),
    BusinessEvent.ORDER_PLACED: ("caseworks_orders_placed", "Orders placed (replays excluded)"),
    BusinessEvent.BOOKING_REFUSED: (
        "caseworks_bookings_refused",
        "Bookings refused: the slot overlaps another active appointment",
    ),
    BusinessEvent.MESSAGE_POSTED: (
        "caseworks_messages_posted",
        "Chat messages posted, over HTTP or WebSocket (client_id repeats excluded)",
    ),
}
# No `_created` series beside each counter: they double the output, and multiprocess mode
# has none (process-wide, and this app is the process's one user of prometheus-client).
disable_created_metrics()  # type: ignore[no-untyped-call]

# A live gauge's file per worker: gauge_livesum_<pid>.db
_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w+_(\d+)\.db\Z")


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_DIR) or None


@contextmanager
def multiprocess_directory() -> Iterator[str]:
    """A fresh, empty PROMETHEUS_MULTIPROC_DIR for the worker processes started inside
    (they inherit the environment, and prometheus-client reads it when first imported),
    removed afterwards: counts from an earlier run must never add to this one's."""
    directory = tempfile.mkdtemp(prefix="caseworks-metrics-")
    os.environ[MULTIPROC_DIR] = directory
    try:
        yield directory
    finally:
        del os.environ[MULTIPROC_DIR]
        shutil.rmtree(directory, ignore_errors=True)


class PrometheusMetrics(BusinessEvents):
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=False)
        labels = ("method", "route", "status")
        self._requests = Counter(
            "caseworks_http_requests",
            "HTTP requests answered, by route template and status",
            labels,
            registry=registry,
        )
        self._durations = Histogram(
            "caseworks_http_request_duration_seconds",
            "Time from a request's arrival to its answer, by route template and status",
            labels,
            registry=registry,
        )
        # livesum: the sum over the workers alive now (a dead worker's value is dropped).
        self._sockets = Gauge(
            "caseworks_websockets_open",
            "WebSocket connections open (accepted and not yet closed)",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self._pool_checked_out = Gauge(
            "caseworks_db_pool_checked_out",
            "Database connections in use, by pool (read or write)",
            ("pool",),
            registry=registry,
            multiprocess_mode="livesum",
        )
        self._pool_size = Gauge(
            "caseworks_db_pool_size",
            "Database connections a pool keeps, by pool (read or write)",
            ("pool",),
            registry=registry,
            multiprocess_mode="livesum",
        )
        self._events = {
            kind: Counter(name, help_text, registry=registry)
            for kind, (name, help_text) in _EVENT_COUNTERS.items()
        }
        self._bounds = tuple(Histogram.DEFAULT_BUCKETS)  # the last is +Inf
        # Per (method, route, status): [count, seconds, one count per bucket], since the
        # last flush. Only the event loop's thread touches it.
        self._pending: dict[tuple[str, str, int], list[Any]] = {}
        # The labelled children, found once: labels() validates and locks on every call.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    # What the HTTP edge reports (entrypoints/http/middleware.py)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        if method not in _METHODS:
            method = OTHER_METHOD  # a client picks the method: never an unbounded label
        key = (method, route, status)
        tally = self._pending.get(key)
        if tally is None:
            tally = self._pending[key] = [0, 0.0] + [0] * len(self._bounds)
        tally[0] += 1
        tally[1] += seconds
        tally[2 + bisect_left(self._bounds, seconds)] += 1  # the first bound >= seconds

    def flush(self) -> None:
        """Hands the requests tallied since the last flush to prometheus-client (in
        multiprocess mode: to this worker's files, where a scrape of any worker reads)."""
        pending, self._pending = self._pending, {}
        for key, (count, seconds, *buckets) in pending.items():
            requests, durations = self._children_of(key)
            requests.inc(count)
            # The histogram has no call for many observations at once: its own parts.
            durations._sum.inc(seconds)
            for bucket, observed in zip(durations._buckets, buckets, strict=True):
                if observed:
                    bucket.inc(observed)

    def _children_of(self, key: tuple[str, str, int]) -> tuple[Any, Any]:
        children = self._children.get(key)
        if children is None:
            values = (key[0], key[1], str(key[2]))
            children = (self._requests.labels(*values), self._durations.labels(*values))
            self._children[key] = children
        return children

    def socket_opened(self) -> None:
        self._sockets.inc()

    def socket_closed(self) -> None:
        self._sockets.dec()

    # What the use cases report (the BusinessEvents port)

    def record(self, event: BusinessEvent) -> None:
        self._events[event].inc()

    # Storage

    def watch_pool(self, role: str, pool: Pool) -> None:
        """Follows a SQLAlchemy pool's connections in use, by its checkout/checkin events:
        in multiprocess mode a value must be written when it changes, not read at scrape."""
        in_use = self._pool_checked_out.labels(role)
        size = getattr(pool, "size", None)
        if callable(size):  # a QueuePool; SQLite's other pools have no fixed size
            self._pool_size.labels(role).set(size())

        def checked_out(*_: object) -> None:
            in_use.inc()

        def checked_in(*_: object) -> None:
            in_use.dec()

        event.listen(pool, "checkout", checked_out)
        event.listen(pool, "checkin", checked_in)

    # Exposition

    def exposition(self) -> bytes:
        """The text format; across every worker of this server in multiprocess mode.
        Call flush() first, on the event loop's thread; this may run in another."""
        directory = multiprocess_dir()
        if directory is None:
            return generate_latest(self.registry)
        _forget_dead_workers(directory)
        registry = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    def process_stopping(self) -> None:
        """This worker's live gauges (sockets, pools) leave the sums; counters stay."""
        self.flush()
        directory = multiprocess_dir()
        if directory is not None:
            mark_process_dead(os.getpid(), directory)  # type: ignore[no-untyped-call]


def _forget_dead_workers(directory: str) -> None:
    """A worker that died without stopping (killed, crashed) left its live gauges behind:
    uvicorn starts another in its place, and the old values must not add up for ever."""
    for path in glob.glob(os.path.join(directory, "gauge_live*_*.db")):
        found = _LIVE_GAUGE_FILE.search(os.path.basename(path))
        if found is not None and not _alive(int(found.group(1))):
            mark_process_dead(int(found.group(1)), directory)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, as another user's
    return True
