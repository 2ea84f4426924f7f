"""`/patients/me` over HTTP: a user linked to a record sees it, its appointments and its
prescriptions; anyone else gets 404 patient_not_found."""

from __future__ import annotations

import httpx

from entrypoints.container import Container
from tests.http.clinic_helpers import add_patient, at, book, ward
from tests.http.conftest import SignUp, assert_problem

RX = {"medication": "Ibuprofen 400 mg", "dosage_instruction": "1 tablet", "quantity": 10}
ME = ("/patients/me", "/patients/me/appointments", "/patients/me/prescriptions")


async def test_a_linked_user_sees_their_own_record(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    _, alice, bob, doctor_id, doctor, patient = await ward(
        client, container, admin_headers, signed_up
    )
    other = await add_patient(client, doctor)
    booked = await book(client, alice, patient["id"], doctor_id, at(10), at(10, 30))
    assert booked.status_code == 201, booked.text
    await book(client, doctor, other["id"], doctor_id, at(11), at(11, 30))
    rx = await client.post(
        "/prescriptions", json=RX | {"patient_id": patient["id"]}, headers=doctor
    )
    assert rx.status_code == 201, rx.text

    me = await client.get("/patients/me", headers=alice)
    assert (me.status_code, me.json()["id"]) == (200, patient["id"])
    appointments = await client.get("/patients/me/appointments", headers=alice)
    assert [a["id"] for a in appointments.json()] == [booked.json()["id"]]
    assert appointments.headers["X-Total-Count"] == "1"
    prescriptions = await client.get("/patients/me/prescriptions", headers=alice)
    assert [p["id"] for p in prescriptions.json()] == [rx.json()["id"]]

    for url in ME:
        for headers in (bob, doctor, admin_headers):
            assert_problem(await client.get(url, headers=headers), 404, "patient_not_found")
        assert_problem(await client.get(url), 401)
    for url in ME[1:]:
        assert_problem(await client.get(url, params={"limit": 0}, headers=alice), 422)
