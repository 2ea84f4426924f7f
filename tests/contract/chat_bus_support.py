"""What the chat bus contract tests share: buses on each adapter, and readers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from application.chat.bus import ChatEvent


class Inbox:
    """A reader that keeps every frame it is given."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.resyncs = 0

    def __call__(self, event: ChatEvent) -> None:
        self.frames.append(dict(event.frame))

    def resynced(self) -> None:
        self.resyncs += 1

    def numbers(self, sender: str | None = None) -> list[int]:
        return [f["n"] for f in self.frames if sender is None or f["sender"] == sender]


class Counter:
    """A reader that keeps nothing: counts, and checks each number follows the last."""

    def __init__(self) -> None:
        self.count = 0
        self.out_of_order = 0

    def __call__(self, event: ChatEvent) -> None:
        if event.frame["n"] != self.count:
            self.out_of_order += 1
        self.count += 1


def frame(n: int, sender: str = "a", text: str = "hello") -> dict[str, Any]:
    return {"type": "message", "n": n, "sender": sender, "text": text}


async def eventually(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait for a condition that Redis makes true a little later (never a fixed sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
