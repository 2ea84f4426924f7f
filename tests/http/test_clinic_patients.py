"""Changing and searching patient records over HTTP: PATCH /patients/{id} (merge
semantics, 404 before 403, 409 identifier_taken) and GET /patients (q, identifier,
active, paging), each audited."""

from __future__ import annotations

from typing import Any

import httpx

from entrypoints.container import Container
from tests.http.clinic_helpers import add_patient, clinician, user, ward
from tests.http.conftest import SignUp, assert_problem


async def _audit(client: httpx.AsyncClient, admin: dict[str, str], **params: str) -> Any:
    response = await client.get("/audit", params=params, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


async def test_staff_change_a_patient_field_by_field(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
) -> None:
    _, doctor = await clinician(client, container, admin_headers, "drhouse")
    patient = await add_patient(client, doctor, identifier="MRN-1", phone="+44 20 7946 0000")
    url = f"/patients/{patient['id']}"

    renamed = await client.patch(url, json={"given": "Augusta", "active": False}, headers=doctor)
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert (body["given"], body["family"], body["active"]) == ("Augusta", "Lovelace", False)
    assert (body["identifier"], body["phone"]) == ("MRN-1", "+44 20 7946 0000")

    cleared = await client.patch(url, json={"phone": None}, headers=admin_headers)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["phone"] is None
    assert cleared.json()["identifier"] == "MRN-1"
    read = (await client.get(url, headers=doctor)).json()
    assert (read["given"], read["phone"], read["active"]) == ("Augusta", None, False)

    updates = [e for e in await _audit(client, admin_headers, patient_id=patient["id"])]
    assert [(e["action"], e["outcome"]) for e in updates[1:3]] == [
        ("U", "success"),
        ("U", "success"),
    ]


async def test_a_patient_change_is_refused_with_the_right_status(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    signed_up: SignUp,
) -> None:
    _, alice, bob, _, doctor, patient = await ward(
        client, container, admin_headers, signed_up, identifier="MRN-1"
    )
    await add_patient(client, doctor, identifier="MRN-2")
    url = f"/patients/{patient['id']}"

    assert_problem(await client.patch(url, json={"given": "Eve"}, headers=bob), 404)
    assert_problem(await client.patch(url, json={"given": "Eve"}, headers=alice), 403)
    assert_problem(
        await client.patch("/patients/" + "0" * 32, json={"active": False}, headers=doctor), 404
    )
    taken = await client.patch(url, json={"identifier": "MRN-2"}, headers=doctor)
    assert_problem(taken, 409, "identifier_taken")
    for bad in (
        {"given": None},
        {"active": None},
        {"gender": "robot"},
        {"user_id": "0" * 32},
        {"identifier": "has space"},
        {"given": "   "},
    ):
        assert_problem(await client.patch(url, json=bad, headers=doctor), 422)
    null_name = await client.patch(url, json={"given": None}, headers=doctor)
    assert "given cannot be null" in str(assert_problem(null_name, 422))
    future = await client.patch(url, json={"birth_date": "2999-01-01"}, headers=doctor)
    assert_problem(future, 422, "invalid_patient")
    malformed = await client.patch(
        url, content=b"{", headers={**doctor, "Content-Type": "application/json"}
    )
    assert_problem(malformed, 400, "malformed_json")
    assert_problem(await client.patch(url, json={"given": "Eve"}), 401)

    unchanged = (await client.get(url, headers=doctor)).json()
    assert (unchanged["given"], unchanged["identifier"]) == ("Ada", "MRN-1")
    events = await _audit(client, admin_headers, patient_id=patient["id"])
    refused = [(e["action"], e["role"]) for e in events if e["outcome"] == "failure"]
    assert ("U", "user") in refused
    assert refused.count(("U", "user")) == 2  # bob's 404 and alice's 403


async def test_staff_search_patients_by_name_identifier_and_active(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
) -> None:
    doctor_id, doctor = await clinician(client, container, admin_headers, "drhouse")
    ada = await add_patient(client, doctor, identifier="MRN-1")
    grace = await add_patient(client, doctor, given="Grace", family="Hopper")
    percent = await add_patient(client, doctor, given="100%", family="Sure", active=False)
    alan = await add_patient(client, doctor, given="Alan", family="Lovelace")

    async def search(**params: str | int) -> list[str]:
        response = await client.get("/patients", params=params, headers=doctor)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()]

    assert await search() == [grace["id"], ada["id"], alan["id"], percent["id"]]
    assert await search(q="LOVE") == [ada["id"], alan["id"]]
    assert await search(q="ra") == [grace["id"]]
    assert await search(q="%") == [percent["id"]]
    assert await search(q="_") == []
    assert await search(identifier="MRN-1") == [ada["id"]]
    assert await search(identifier="mrn-1") == []
    assert await search(active="false") == [percent["id"]]
    assert await search(active="true", q="a") == [grace["id"], ada["id"], alan["id"]]

    first = await client.get("/patients", params={"limit": 2}, headers=doctor)
    assert first.headers["X-Total-Count"] == "4"
    assert 'rel="next"' in first.headers["Link"]
    second = await client.get("/patients", params={"limit": 2, "offset": 2}, headers=doctor)
    assert [p["id"] for p in second.json()] == [alan["id"], percent["id"]]
    assert "Link" not in second.headers

    searches = [e for e in await _audit(client, admin_headers, actor_id=doctor_id)]
    executed = [e for e in searches if e["action"] == "E"]
    assert len(executed) == 11  # one event per search, none per patient returned
    assert {(e["entity_type"], e["entity_id"], e["patient_id"]) for e in executed} == {
        ("Patient", "", None)
    }


async def test_only_staff_search_and_bad_queries_are_422(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
) -> None:
    alice_id, alice = await user(client, "alice")
    _, doctor = await clinician(client, container, admin_headers, "drhouse")
    await add_patient(client, doctor, user_id=alice_id)

    assert_problem(await client.get("/patients", headers=alice), 403)
    assert_problem(await client.get("/patients"), 401)
    events = await _audit(client, admin_headers, actor_id=alice_id)
    assert [(e["action"], e["outcome"]) for e in events] == [("E", "failure")]
    for bad in (
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"active": "maybe"},
        {"q": "x" * 101},
        {"unknown": "1"},
    ):
        response = await client.get("/patients", params=bad, headers=admin_headers)
        assert_problem(response, 422)
    listed = await client.get("/patients", headers=admin_headers)
    assert listed.status_code == 200
    assert [p["user_id"] for p in listed.json()] == [alice_id]


async def test_patients_me_is_not_a_record_to_patch(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    # /patients/me has only a GET: a PATCH of it must not reach PATCH /patients/{id}.
    for method in ("PATCH", "OPTIONS"):
        response = await client.request(
            method, "/patients/me", json={"active": False}, headers=admin_headers
        )
        assert_problem(response, 405)
        assert response.headers["Allow"] == "GET"
    response = await client.request("OPTIONS", "/patients/" + "0" * 32, headers=admin_headers)
    assert response.headers["Allow"] == "GET, PATCH"


async def test_null_on_a_new_record_is_absent_and_the_document_says_it_may_be(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    _, doctor = await clinician(client, container, admin_headers, "drhouse")
    nulls = {"identifier": None, "phone": None, "email": None, "user_id": None}
    created = await add_patient(client, doctor, **nulls)
    assert {name: created[name] for name in nulls} == nulls
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]
    for name in nulls:
        accepted = schema["PatientCreate"]["properties"][name]["anyOf"]
        assert {"type": "null"} in accepted, name
