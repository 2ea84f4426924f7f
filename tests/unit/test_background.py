"""entrypoints/background.py: a step repeated while the block runs, and never after."""

from __future__ import annotations

import asyncio

from entrypoints.background import repeating


async def test_the_step_repeats_while_the_block_runs_and_stops_with_it() -> None:
    steps: list[int] = []
    three = asyncio.Event()

    async def step() -> None:
        steps.append(len(steps))
        if len(steps) == 3:
            three.set()

    async with repeating("test-repeating", lambda: 0.01, step):
        await asyncio.wait_for(three.wait(), timeout=5)
        assert any(task.get_name() == "test-repeating" for task in asyncio.all_tasks())
    after_block = len(steps)
    await asyncio.sleep(0.05)
    assert len(steps) == after_block
    assert not any(task.get_name() == "test-repeating" for task in asyncio.all_tasks())


async def test_each_pause_is_asked_for_afresh() -> None:
    pauses = iter([0.0, 0.0, 3600.0])
    steps = 0

    async def step() -> None:
        nonlocal steps
        steps += 1

    async with repeating("test-pauses", lambda: next(pauses), step):
        await asyncio.sleep(0.05)
    assert steps == 2  # the third pause (an hour) was still running when the block ended
