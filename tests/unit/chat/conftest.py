"""The chat's use cases on the memory store, with a bus that records what was published,
beside the accounts' use cases on the same store (the directory reads their users)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from dependency_injector import providers

from adapters.memory.chat.rate import InMemoryRateLimiter
from adapters.memory.chat.uow import InMemoryChatUnitOfWork
from adapters.memory.store import MemoryStore
from application.shared.actor import Actor
from entrypoints.containers.chat import ChatContainer
from tests.support.chat import RecordingBus
from tests.support.clock import ManualClock
from tests.unit.conftest import Accounts

SignIn = Callable[[str], Awaitable[Actor]]


@pytest.fixture
def bus() -> RecordingBus:
    return RecordingBus()


@pytest.fixture
def chat(store: MemoryStore, clock: ManualClock, bus: RecordingBus) -> ChatContainer:
    return ChatContainer(
        uow=providers.Factory(InMemoryChatUnitOfWork, store),
        clock=providers.Object(clock),
        bus=providers.Object(bus),
        rate_limiter=providers.Singleton(InMemoryRateLimiter),
    )


@pytest.fixture
def sign_in(accounts: Accounts) -> SignIn:
    """`await sign_in("alice")`: a registered user's Actor, with a live session."""

    async def sign_in(username: str) -> Actor:
        await accounts.register(username)
        return await accounts.actor_for(await accounts.sign_in(username))

    return sign_in
