"""Registrations racing for one name (in different cases): one 201, every other a 409."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.http.conftest import MEMORY_AND_SQLITE, PASSWORD

RACERS = 12


# The storage settles the race; SQLite through the whole app here, every adapter in
# tests/contract/test_concurrency.py.
@pytest.mark.parametrize("storage", MEMORY_AND_SQLITE, indirect=True)
async def test_racing_registrations_of_one_name(client: httpx.AsyncClient) -> None:
    names = [("Racer" if i % 2 else "rACEr") for i in range(RACERS)]
    responses = await asyncio.gather(
        *(client.post("/register", json={"username": n, "password": PASSWORD}) for n in names)
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (RACERS - 1)
    conflicts = [r.json()["code"] for r in responses if r.status_code == 409]
    assert set(conflicts) == {"username_taken"}
