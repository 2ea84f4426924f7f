"""The clinic over HTTP: statuses, problem codes, Location and Idempotency-Key, and who
may do what (admin, clinician, the patient's own user, another user)."""

from __future__ import annotations

import httpx

from entrypoints.container import Container
from tests.http.clinic_helpers import DAY, add_patient, at, book, clinician, user, ward
from tests.http.conftest import SignUp, assert_problem, register


async def test_a_patient_is_created_and_read_by_staff_and_its_own_user(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    alice_id, alice, bob, _, doctor, patient = await ward(
        client, container, admin_headers, signed_up, identifier="MRN-1"
    )
    assert patient["age"] >= 35
    assert patient["user_id"] == alice_id
    for headers in (admin_headers, doctor, alice):
        response = await client.get(f"/patients/{patient['id']}", headers=headers)
        assert response.status_code == 200, response.text
    assert_problem(await client.get(f"/patients/{patient['id']}", headers=bob), 404)
    assert_problem(
        await client.post(
            "/patients",
            json={"given": "A", "family": "B", "birth_date": "2000-01-01", "gender": "male"},
            headers=bob,
        ),
        403,
    )
    again = {"given": "X", "family": "Y", "birth_date": "2000-01-01", "gender": "male"}
    taken = await client.post("/patients", json=again | {"identifier": "MRN-1"}, headers=doctor)
    assert_problem(taken, 409, "identifier_taken")
    linked = await client.post("/patients", json=again | {"user_id": alice_id}, headers=doctor)
    assert_problem(linked, 409, "patient_already_linked")
    bad = await client.post("/patients", json=again | {"gender": "robot"}, headers=doctor)
    assert_problem(bad, 422)
    future = await client.post(
        "/patients", json=again | {"birth_date": "2999-01-01"}, headers=doctor
    )
    assert_problem(future, 422, "invalid_patient")


async def test_working_hours_are_for_admins_and_clinicians_only(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    doctor_id, doctor = await clinician(client, container, admin_headers, "drhouse")
    alice_id, _alice = await user(client, "alice")
    hours = {
        "time_zone": "Europe/Berlin",
        "intervals": [{"weekday": 0, "start": "09:00", "end": "12:00"}],
    }
    url = f"/clinicians/{doctor_id}/working-hours"
    assert_problem(await client.put(url, json=hours, headers=doctor), 403)
    not_one = await client.put(
        f"/clinicians/{alice_id}/working-hours", json=hours, headers=admin_headers
    )
    assert_problem(not_one, 404, "not_a_clinician")
    zone = await client.put(url, json=hours | {"time_zone": "Mars/Olympus"}, headers=admin_headers)
    assert_problem(zone, 422, "unknown_time_zone")
    response = await client.put(url, json=hours, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["intervals"] == [{"weekday": 0, "start": "09:00:00", "end": "12:00:00"}]


async def test_booking_availability_and_cancelling(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    doctor_id, doctor = await clinician(client, container, admin_headers, "drhouse")
    alice_id, alice = await user(client, "alice")
    bob = await signed_up("bob")
    mine = await add_patient(client, doctor, user_id=alice_id)
    other = await add_patient(client, doctor, given="Grace", family="Hopper")

    first = await book(client, alice, mine["id"], doctor_id, at(10), at(10, 30))
    assert first.status_code == 201, first.text
    appointment = first.json()
    assert appointment["status"] == "booked"
    assert first.headers["location"].endswith(f"/appointments/{appointment['id']}")

    clash = await book(client, doctor, other["id"], doctor_id, at(10, 15), at(10, 45))
    body = assert_problem(clash, 409, "slot_taken")
    assert body["appointment_id"] == appointment["id"]
    outside = await book(client, doctor, other["id"], doctor_id, at(19), at(19, 30))
    assert_problem(outside, 409, "outside_working_hours")
    not_mine = await book(client, alice, other["id"], doctor_id, at(11), at(11, 30))
    assert_problem(not_mine, 404, "patient_not_found")
    past = await book(
        client, doctor, other["id"], doctor_id, "2000-01-03T10:00:00Z", "2000-01-03T10:30:00Z"
    )
    assert_problem(past, 422, "invalid_appointment_time")
    naive = await book(client, doctor, other["id"], doctor_id, at(11)[:-6], at(11, 30)[:-6])
    assert_problem(naive, 422, "invalid_appointment_time")

    free = await client.get(
        f"/clinicians/{doctor_id}/availability",
        params={"date": DAY.isoformat(), "duration": 30},
        headers=bob,
    )
    assert free.status_code == 200, free.text
    starts = [slot["start"] for slot in free.json()["slots"]]
    assert len(starts) == 19
    assert not any("T10:00" in s for s in starts)
    assert_problem(
        await client.get(
            f"/clinicians/{doctor_id}/availability",
            params={"date": DAY.isoformat(), "duration": 1},
            headers=bob,
        ),
        422,
    )

    url = f"/appointments/{appointment['id']}"
    assert (await client.get(url, headers=alice)).status_code == 200
    assert_problem(await client.get(url, headers=bob), 404, "appointment_not_found")
    assert_problem(await client.post(f"{url}/cancel", headers=bob), 404)
    status = await client.post(f"{url}/status", json={"status": "arrived"}, headers=alice)
    assert_problem(status, 403)
    reason = {"status": "cancelled", "reason": "feeling better"}
    cancelled = await client.post(f"{url}/status", json=reason, headers=alice)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancelation_reason"] == "feeling better"
    again = await client.post(f"{url}/status", json={"status": "arrived"}, headers=doctor)
    assert_problem(again, 409, "illegal_transition")
    rebooked = await book(client, doctor, other["id"], doctor_id, at(10, 15), at(10, 45))
    assert rebooked.status_code == 201, rebooked.text
    arrived = await client.post(
        f"/appointments/{rebooked.json()['id']}/status", json={"status": "arrived"}, headers=doctor
    )
    assert arrived.status_code == 200
    assert arrived.json()["status"] == "arrived"


async def test_one_idempotency_key_books_once(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    doctor_id, doctor = await clinician(client, container, admin_headers, "drhouse")
    patient = await add_patient(client, doctor)
    body = {
        "patient_id": patient["id"],
        "clinician_id": doctor_id,
        "start": at(9),
        "end": at(9, 30),
    }
    key = doctor | {"Idempotency-Key": "book-1"}
    first = await client.post("/appointments", json=body, headers=key)
    retry = await client.post("/appointments", json=body, headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["idempotent-replayed"] == "true"
    other = await client.post("/appointments", json=body | {"end": at(9, 45)}, headers=key)
    assert_problem(other, 422)


async def test_clinic_routes_need_a_caller(client: httpx.AsyncClient) -> None:
    await register(client, "nobody")
    for method, url in (
        ("POST", "/patients"),
        ("GET", "/patients/p1"),
        ("PUT", "/clinicians/c1/working-hours"),
        ("GET", "/clinicians/c1/availability?date=2030-01-01"),
        ("POST", "/appointments"),
        ("GET", "/appointments/a1"),
        ("POST", "/appointments/a1/cancel"),
        ("POST", "/appointments/a1/status"),
    ):
        assert_problem(await client.request(method, url), 401)
