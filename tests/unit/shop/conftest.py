"""Fixtures for the shop's unit tests: the in-memory store, a manual clock, the fake
payment provider, and the use cases wired to them (tests/unit/shop/shop_helpers.py)."""

from __future__ import annotations

import pytest

from adapters.memory.shop.payments import InMemoryPaymentGateway
from adapters.memory.store import MemoryStore
from tests.support.clock import ManualClock
from tests.unit.shop.shop_helpers import Shop


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def payments() -> InMemoryPaymentGateway:
    return InMemoryPaymentGateway()


@pytest.fixture
def shop(store: MemoryStore, clock: ManualClock, payments: InMemoryPaymentGateway) -> Shop:
    return Shop(store, clock, payments)
