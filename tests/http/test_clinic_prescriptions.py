"""Prescriptions over HTTP: clinicians prescribe and move them, a user sees those of the
record linked to them, anyone else gets 404; statuses and problem codes."""

from __future__ import annotations

import httpx

from entrypoints.container import Container
from tests.http.clinic_helpers import ward
from tests.http.conftest import SignUp, assert_problem

RX = {"medication": "Ibuprofen 400 mg", "dosage_instruction": "1 tablet", "quantity": 10}


async def test_the_prescription_role_matrix(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    _, alice, bob, doctor_id, doctor, patient = await ward(
        client, container, admin_headers, signed_up
    )
    body = RX | {"patient_id": patient["id"]}

    for headers in (admin_headers, alice, bob):
        assert_problem(await client.post("/prescriptions", json=body, headers=headers), 403)
    missing = RX | {"patient_id": "p-none"}
    assert_problem(
        await client.post("/prescriptions", json=missing, headers=doctor), 404, "patient_not_found"
    )
    for bad in ({"quantity": 0}, {"medication": "   "}, {"valid_until": "2000-01-01"}):
        assert_problem(await client.post("/prescriptions", json=body | bad, headers=doctor), 422)
    created = await client.post("/prescriptions", json=body, headers=doctor)
    assert created.status_code == 201, created.text
    rx = created.json()
    assert created.headers["Location"].endswith(f"/prescriptions/{rx['id']}")
    assert (rx["requester_id"], rx["status"], rx["intent"]) == (doctor_id, "active", "order")

    for headers in (admin_headers, doctor, alice):
        response = await client.get(f"/prescriptions/{rx['id']}", headers=headers)
        assert response.status_code == 200, response.text
        listed = await client.get(f"/patients/{patient['id']}/prescriptions", headers=headers)
        assert [p["id"] for p in listed.json()] == [rx["id"]]
        assert listed.headers["X-Total-Count"] == "1"
    assert_problem(
        await client.get(f"/prescriptions/{rx['id']}", headers=bob), 404, "prescription_not_found"
    )
    assert_problem(await client.get(f"/patients/{patient['id']}/prescriptions", headers=bob), 404)
    assert_problem(await client.get(f"/prescriptions/{rx['id']}"), 401)

    url = f"/prescriptions/{rx['id']}/status"
    for headers in (admin_headers, alice):
        assert_problem(await client.post(url, json={"status": "stopped"}, headers=headers), 403)
    assert_problem(await client.post(url, json={"status": "stopped"}, headers=bob), 404)
    assert_problem(await client.post(url, json={"status": "paused"}, headers=doctor), 422)
    held = await client.post(url, json={"status": "on-hold"}, headers=doctor)
    assert held.json()["status"] == "on-hold"
    assert_problem(
        await client.post(url, json={"status": "completed"}, headers=doctor),
        409,
        "illegal_transition",
    )
