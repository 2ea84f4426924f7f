"""Fixtures for the clinic's unit tests: a manual clock on a Monday morning, and the
clinic's use cases on the memory store (tests/unit/clinic/clinic_helpers.py), beside the
accounts' use cases on the same store (the clinician directory reads their users)."""

from __future__ import annotations

import pytest

from adapters.memory.store import MemoryStore
from tests.support.clock import ManualClock
from tests.unit.clinic.clinic_helpers import MONDAY_6_UTC, Clinic
from tests.unit.conftest import Accounts


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_6_UTC)


@pytest.fixture
def clinic(store: MemoryStore, clock: ManualClock, accounts: Accounts) -> Clinic:
    return Clinic(store, clock, accounts)
