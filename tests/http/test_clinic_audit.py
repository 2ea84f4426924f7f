"""The clinic's audit log over HTTP: GET /audit for administrators (filters, paging
headers), and GET /patients/me/access-log for the user linked to a record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from dependency_injector import providers

from entrypoints.container import Container
from tests.http.clinic_helpers import add_patient, ward
from tests.http.conftest import SignUp, assert_problem
from tests.support.clock import ManualClock


def after(instant: str) -> str:
    """The instant a microsecond later."""
    return (datetime.fromisoformat(instant) + timedelta(microseconds=1)).isoformat()


async def test_the_audit_log_is_for_admins_filtered_and_paged(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(providers.Object(clock))
    _, alice, bob, doctor_id, doctor, patient = await ward(
        client, container, admin_headers, signed_up
    )
    pid = patient["id"]
    clock.advance(minutes=1)
    read = await client.get(f"/patients/{pid}", headers={**doctor, "X-Request-ID": "req-42"})
    assert read.status_code == 200
    clock.advance(minutes=1)
    assert_problem(await client.get(f"/patients/{pid}", headers=bob), 404)

    for headers in (doctor, alice, bob):
        assert_problem(await client.get("/audit", headers=headers), 403)
    everything = await client.get("/audit", params={"patient_id": pid}, headers=admin_headers)
    assert everything.status_code == 200, everything.text
    assert everything.headers["X-Total-Count"] == "3"
    newest, reading, creating = everything.json()
    assert (newest["action"], newest["outcome"], newest["role"]) == ("R", "failure", "user")
    assert (reading["actor_id"], reading["request_id"], reading["outcome"]) == (
        doctor_id,
        "req-42",
        "success",
    )
    assert (creating["action"], creating["entity_type"]) == ("C", "Patient")

    paged = await client.get(
        "/audit", params={"patient_id": pid, "limit": 2}, headers=admin_headers
    )
    assert [e["id"] for e in paged.json()] == [newest["id"], reading["id"]]
    assert 'rel="next"' in paged.headers["Link"]
    by_doctor = await client.get(
        "/audit", params={"actor_id": doctor_id, "to": creating["at"]}, headers=admin_headers
    )
    assert by_doctor.json() == []
    instants = [datetime.fromisoformat(e["at"]) for e in (creating, reading, newest)]
    assert instants == sorted(set(instants))  # a minute apart: the clock
    window = {  # `from` is inclusive, `to` exclusive: only an event at the bound tells
        ("from", reading["at"]): [newest["id"], reading["id"]],
        ("from", after(reading["at"])): [newest["id"]],
        ("to", reading["at"]): [creating["id"]],
        ("to", after(reading["at"])): [reading["id"], creating["id"]],
    }
    for (bound, instant), ids in window.items():
        params = {bound: instant, "patient_id": pid}
        bounded = await client.get("/audit", params=params, headers=admin_headers)
        assert [e["id"] for e in bounded.json()] == ids, (bound, instant)
    for bad in ({"limit": 0}, {"from": "yesterday"}, {"from": "0"}, {"patient_id": "x" * 65}):
        assert_problem(await client.get("/audit", params=bad, headers=admin_headers), 422)
    assert_problem(
        await client.get("/audit", params={"from": "2026-01-01T00:00:00"}, headers=admin_headers),
        422,
    )
    assert_problem(await client.get("/audit"), 401)


async def test_a_patient_sees_who_accessed_their_record(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    _, alice, bob, doctor_id, doctor, patient = await ward(
        client, container, admin_headers, signed_up
    )
    await add_patient(client, doctor)  # another record: not in alice's log
    assert (await client.get(f"/patients/{patient['id']}", headers=doctor)).status_code == 200

    log = await client.get("/patients/me/access-log", headers=alice)
    assert log.status_code == 200, log.text
    assert log.headers["X-Total-Count"] == "2"
    assert [(e["actor_id"], e["action"]) for e in log.json()] == [
        (doctor_id, "R"),
        (doctor_id, "C"),
    ]
    for headers in (bob, doctor, admin_headers):  # linked to no record
        assert_problem(
            await client.get("/patients/me/access-log", headers=headers), 404, "patient_not_found"
        )
    assert_problem(
        await client.get("/patients/me/access-log", params={"limit": 0}, headers=alice), 422
    )
    assert_problem(await client.get("/patients/me/access-log"), 401)
