"""Helpers of the clinic's HTTP tests: a clinician with hours every day, patients, and a
day well ahead (the app runs on the system clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import httpx

from application.accounts.dto import RegisterCommand
from domain.shared.roles import Role
from entrypoints.container import Container
from tests.http.conftest import PASSWORD, SignUp, bearer, login, register

EVERY_DAY = [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(7)]
DAY = (datetime.now(UTC) + timedelta(days=30)).date()


def at(hour: int, minute: int = 0) -> str:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=UTC).isoformat()


async def clinician(
    client: httpx.AsyncClient, container: Container, admin: dict[str, str], name: str
) -> tuple[str, dict[str, str]]:
    """A clinician (made through the accounts container) working 08-18 UTC every day:
    their user id and auth headers."""
    command = RegisterCommand(name, PASSWORD, role=Role.CLINICIAN)
    user = await container.accounts().register_user().execute(command)
    hours = {"time_zone": "UTC", "intervals": EVERY_DAY}
    response = await client.put(f"/clinicians/{user.id}/working-hours", json=hours, headers=admin)
    assert response.status_code == 200, response.text
    return user.id, bearer(await login(client, name))


async def add_patient(
    client: httpx.AsyncClient, staff: dict[str, str], **fields: object
) -> dict[str, Any]:
    body = {"given": "Ada", "family": "Lovelace", "birth_date": "1990-12-10", "gender": "female"}
    response = await client.post("/patients", json=body | fields, headers=staff)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def book(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    patient_id: str,
    clinician_id: str,
    start: str,
    end: str,
) -> httpx.Response:
    body = {"patient_id": patient_id, "clinician_id": clinician_id, "start": start, "end": end}
    return await client.post("/appointments", json=body, headers=headers)


async def user(client: httpx.AsyncClient, name: str) -> tuple[str, dict[str, str]]:
    """A user registered over HTTP: their id and auth headers."""
    registered = await register(client, name)
    return registered["id"], bearer(await login(client, name))


class Ward(NamedTuple):
    """The usual cast: alice, whose account a patient record is linked to; bob, no one to
    it; and the clinician drhouse, who made the record."""

    alice_id: str
    alice: dict[str, str]
    bob: dict[str, str]
    doctor_id: str
    doctor: dict[str, str]
    patient: dict[str, Any]


async def ward(
    client: httpx.AsyncClient,
    container: Container,
    admin: dict[str, str],
    signed_up: SignUp,
    **patient: object,
) -> Ward:
    alice_id, alice = await user(client, "alice")
    bob = await signed_up("bob")
    doctor_id, doctor = await clinician(client, container, admin, "drhouse")
    record = await add_patient(client, doctor, user_id=alice_id, **patient)
    return Ward(alice_id, alice, bob, doctor_id, doctor, record)
