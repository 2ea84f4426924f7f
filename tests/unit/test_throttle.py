"""The in-memory throttle: attempts count when they start, and memory stays bounded."""

from __future__ import annotations

import pytest

from adapters.memory.accounts import throttle as throttle_module
from adapters.memory.accounts.throttle import InMemoryLoginThrottle
from tests.support.clock import ManualClock


async def test_the_sixth_attempt_in_the_window_is_blocked() -> None:
    clock = ManualClock()
    throttle = InMemoryLoginThrottle(clock, max_failures=5, window_seconds=900)
    assert [await throttle.begin_attempt("k") for _ in range(5)] == [None] * 5
    assert await throttle.begin_attempt("k") == 900
    clock.advance(minutes=10)
    assert await throttle.begin_attempt("k") == 300  # blocked: counted nothing
    clock.advance(minutes=5, seconds=1)
    assert await throttle.begin_attempt("k") is None


async def test_reset_forgets_the_count() -> None:
    throttle = InMemoryLoginThrottle(ManualClock(), max_failures=2)
    await throttle.begin_attempt("k")
    await throttle.begin_attempt("k")
    await throttle.reset("k")
    assert await throttle.begin_attempt("k") is None


async def test_keys_are_capped_expired_first_then_oldest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(throttle_module, "MAX_KEYS", 3)
    clock = ManualClock()
    throttle = InMemoryLoginThrottle(clock, max_failures=1, window_seconds=60)
    await throttle.begin_attempt("old")
    clock.advance(minutes=2)  # "old" has expired
    for key in ("a", "b", "c"):
        await throttle.begin_attempt(key)
    assert await throttle.begin_attempt("old") is None  # swept, not still blocked
    for key in ("d", "e"):
        await throttle.begin_attempt(key)
    # Over the cap with nothing expired: the oldest keys went, the newest stay blocked.
    assert await throttle.begin_attempt("e") is not None
    assert await throttle.begin_attempt("a") is None
