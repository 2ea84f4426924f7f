"""Two real `caseworks serve` processes on ONE database (a shared SQLite file, or
PostgreSQL): no double booking across processes. 50 bookings of one slot, split across
both servers, book exactly one; every other is a 409 slot_taken naming the winner."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import column, table, update

from adapters.sql.engine import create_engine
from tests.e2e.shop_cluster import (
    BACKENDS,
    LIMITS,
    PASSWORD,
    TIMEOUT,
    Cluster,
    assert_servers_quiet,
    describe,
    start_cluster,
    unique,
    warm,
)

RACERS = 50
DAY = (datetime.now(UTC) + timedelta(days=30)).date()
TEN = datetime(DAY.year, DAY.month, DAY.day, 10, tzinfo=UTC)
_users = table("users", column("id"), column("role"))


@pytest.fixture(scope="module", params=BACKENDS)
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    backend: str = request.param
    with start_cluster(backend, tmp_path_factory.mktemp(f"clinic-{backend}")) as running:
        yield running


async def _new_clinician(http: httpx.AsyncClient, cluster: Cluster) -> str:
    """A user made a clinician in the database (no route grants roles), with hours
    08:00-18:00 UTC every day."""
    registered = await http.post(
        cluster.url(0, "/register"), json={"username": unique("dr"), "password": PASSWORD}
    )
    assert registered.status_code == 201, registered.text
    user_id: str = registered.json()["id"]
    engine = create_engine(cluster.database_url)
    try:
        async with engine.begin() as connection:
            made = update(_users).where(_users.c.id == user_id).values(role="clinician")
            assert (await connection.execute(made)).rowcount == 1
    finally:
        await engine.dispose()
    hours = {
        "time_zone": "UTC",
        "intervals": [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(7)],
    }
    url = cluster.url(1, f"/clinicians/{user_id}/working-hours")
    answer = await http.put(url, json=hours, headers=cluster.admin)
    assert answer.status_code == 200, answer.text
    return user_id


async def _new_patients(http: httpx.AsyncClient, cluster: Cluster, n: int) -> list[str]:
    body = {"given": "Ada", "family": "Lovelace", "birth_date": "1990-12-10", "gender": "female"}
    created = await asyncio.gather(
        *(
            http.post(cluster.url(i, "/patients"), json=body, headers=cluster.admin)
            for i in range(n)
        )
    )
    assert [r.status_code for r in created] == [201] * n, [r.text for r in created]
    return [r.json()["id"] for r in created]


async def test_fifty_bookings_of_one_slot_on_two_servers_book_one(cluster: Cluster) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT, limits=LIMITS) as http:
        clinician = await _new_clinician(http, cluster)
        patients = await _new_patients(http, cluster, 10)
        await warm(http, cluster, RACERS)

        def body(i: int) -> dict[str, str]:
            start = TEN + timedelta(minutes=5 * (i % 3))  # overlapping, not all the same
            return {
                "patient_id": patients[i % len(patients)],
                "clinician_id": clinician,
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=30)).isoformat(),
            }

        responses = await asyncio.gather(
            *(
                http.post(cluster.url(i, "/appointments"), json=body(i), headers=cluster.admin)
                for i in range(RACERS)
            )
        )

        assert describe(responses) == {(201, None): 1, (409, "slot_taken"): RACERS - 1}
        (won,) = [r.json() for r in responses if r.status_code == 201]
        named = {r.json()["appointment_id"] for r in responses if r.status_code == 409}
        assert named == {won["id"]}
        for i in range(2):  # both servers read the one booking
            read = await http.get(
                cluster.url(i, f"/appointments/{won['id']}"), headers=cluster.admin
            )
            assert read.json() == won
    assert_servers_quiet(cluster)
