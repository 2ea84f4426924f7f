"""What a use case tells operators happened: a business outcome worth counting.

A port, so that the application never imports a metrics library: the composition root
plugs in the Prometheus adapter (adapters/metrics/prometheus.py); a use case built
without one (unit tests, the CLI) gets NO_EVENTS and counts nothing.

Counted here, not at the HTTP edge, because only the use case knows the outcome: a replayed
idempotent order is no new order, a message arrives over HTTP and over WebSocket alike,
and a booking is refused by the rule or by the database's constraint in a race.
"""

from __future__ import annotations

import abc
import enum


class BusinessEvent(enum.Enum):
    LOGIN_FAILED = "login_failed"  # wrong username or password
    ORDER_PLACED = "order_placed"  # a new order (not an idempotent replay)
    BOOKING_REFUSED = "booking_refused"  # the slot overlaps another active appointment
    MESSAGE_POSTED = "message_posted"  # a new chat message (not a client_id repeat)


class BusinessEvents(abc.ABC):
    """Synchronous on purpose: recording must be a memory write that cannot fail or wait,
    so that a use case never depends on its observer."""

    @abc.abstractmethod
    def record(self, event: BusinessEvent) -> None: ...


class NoBusinessEvents(BusinessEvents):
    def record(self, event: BusinessEvent) -> None:
        pass


NO_EVENTS = NoBusinessEvents()
