"""The cast and the vocabulary of the clinic's role matrix (test_clinic_role_matrix.py):
who calls, what each may expect, and fresh objects to call on, so a call that changes
one (a cancel) never spoils the next cell."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import httpx

from application.accounts.dto import RegisterCommand
from domain.shared.roles import Role
from entrypoints.container import Container
from tests.http.clinic_helpers import DAY, EVERY_DAY, add_patient, book, user
from tests.http.conftest import PASSWORD, bearer, login

RX = {"medication": "Ibuprofen 400 mg", "dosage_instruction": "1 tablet", "quantity": 10}


class Caller(Enum):
    """OWN and OTHER are one user, linked to a patient record: OWN acts on that record
    (and what hangs off it), OTHER on another patient's."""

    ANONYMOUS = "anonymous"
    USER = "user"
    OWN = "linked-own"
    OTHER = "linked-other"
    CLINICIAN = "clinician"
    ADMIN = "admin"


CALLERS = tuple(Caller)
# The role audit events carry for each caller (anonymous calls are never audited).
ROLE = {
    Caller.USER: "user",
    Caller.OWN: "user",
    Caller.OTHER: "user",
    Caller.CLINICIAN: "clinician",
    Caller.ADMIN: "admin",
}


@dataclass(frozen=True)
class Expect:
    status: int
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.code or ''}".strip()


def expect(spec: str) -> Expect:
    """Parse "404 patient_not_found" (a status, then a problem code if any)."""
    status, _, code = spec.partition(" ")
    return Expect(int(status), code or None)


def matrix(user: str, own: str, other: str, clinician: str, admin: str) -> dict[Caller, Expect]:
    """One expectation per caller; anonymous is always 401 (no token: invalid_token)."""
    specs = ("401 invalid_token", user, own, other, clinician, admin)
    return {caller: expect(spec) for caller, spec in zip(CALLERS, specs, strict=True)}


FORBIDDEN = "403 forbidden"


def staff(ok: str) -> dict[Caller, Expect]:
    """Clinicians and admins; everyone else is forbidden (nothing to hide: no record named)."""
    return matrix(FORBIDDEN, FORBIDDEN, FORBIDDEN, ok, ok)


def own_or_staff(ok: str, hidden: str) -> dict[Caller, Expect]:
    """Staff, and the linked user on their own record; anyone else is told it is not there."""
    return matrix(hidden, ok, hidden, ok, ok)


def linked_only(ok: str) -> dict[Caller, Expect]:
    """`/patients/me…`: only a caller linked to a record has one."""
    missing = "404 patient_not_found"
    return matrix(missing, ok, ok, missing, missing)


def admin_only(ok: str) -> dict[Caller, Expect]:
    return matrix(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ok)


def anyone(ok: str) -> dict[Caller, Expect]:
    return matrix(ok, ok, ok, ok, ok)


@dataclass
class World:
    """An admin, a clinician working 08-18 UTC every day, a plain user, and a user linked
    to a patient record (`own`); `other` is a record linked to a third user."""

    client: httpx.AsyncClient
    headers: dict[Caller, dict[str, str]]
    actor_ids: dict[Caller, str]
    clinician_id: str
    own_patient_id: str
    other_patient_id: str
    _slots: itertools.count[int] = field(default_factory=itertools.count)

    def patient_for(self, caller: Caller) -> str:
        """The record a caller acts on: their own (OWN), or one that is not theirs."""
        if caller in (Caller.OWN, Caller.CLINICIAN, Caller.ADMIN):
            return self.own_patient_id
        return self.other_patient_id

    def next_slot(self) -> tuple[str, str]:
        """A half hour no earlier call has taken: 20 a day, then the next day."""
        n = next(self._slots)
        start = datetime(DAY.year, DAY.month, DAY.day, 8, tzinfo=UTC) + timedelta(
            days=n // 20, minutes=30 * (n % 20)
        )
        return start.isoformat(), (start + timedelta(minutes=30)).isoformat()

    async def appointment(self, patient_id: str) -> str:
        start, end = self.next_slot()
        staff = self.headers[Caller.CLINICIAN]
        booked = await book(self.client, staff, patient_id, self.clinician_id, start, end)
        assert booked.status_code == 201, booked.text
        return str(booked.json()["id"])

    async def prescription(self, patient_id: str) -> str:
        body = RX | {"patient_id": patient_id}
        staff = self.headers[Caller.CLINICIAN]
        created = await self.client.post("/prescriptions", json=body, headers=staff)
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    async def failures(self, caller: Caller) -> list[dict[str, Any]]:
        """The audit events of the caller's attempts with outcome failure, newest first."""
        admin = self.headers[Caller.ADMIN]
        params: dict[str, str | int] = {"actor_id": self.actor_ids[caller], "limit": 200}
        response = await self.client.get("/audit", params=params, headers=admin)
        assert response.status_code == 200, response.text
        assert int(response.headers["X-Total-Count"]) <= 200  # all of them on one page
        return [e for e in response.json() if e["outcome"] == "failure"]


async def _staff_member(
    client: httpx.AsyncClient, container: Container, name: str, role: Role
) -> tuple[str, dict[str, str]]:
    command = RegisterCommand(name, PASSWORD, role=role)
    registered = await container.accounts().register_user().execute(command)
    return registered.id, bearer(await login(client, name))


async def build_world(client: httpx.AsyncClient, container: Container) -> World:
    admin_id, admin = await _staff_member(client, container, "boss", Role.ADMIN)
    doctor_id, doctor = await _staff_member(client, container, "drwho", Role.CLINICIAN)
    hours = {"time_zone": "UTC", "intervals": EVERY_DAY}
    put = await client.put(f"/clinicians/{doctor_id}/working-hours", json=hours, headers=admin)
    assert put.status_code == 200, put.text
    user_id, plain = await user(client, "bob")
    alice_id, alice = await user(client, "alice")
    carol_id, _carol = await user(client, "carol")
    own = await add_patient(client, doctor, user_id=alice_id)
    other = await add_patient(client, doctor, given="Grace", family="Hopper", user_id=carol_id)
    return World(
        client,
        {
            Caller.ANONYMOUS: {},
            Caller.USER: plain,
            Caller.OWN: alice,
            Caller.OTHER: alice,
            Caller.CLINICIAN: doctor,
            Caller.ADMIN: admin,
        },
        {
            Caller.USER: user_id,
            Caller.OWN: alice_id,
            Caller.OTHER: alice_id,
            Caller.CLINICIAN: doctor_id,
            Caller.ADMIN: admin_id,
        },
        doctor_id,
        own["id"],
        other["id"],
    )
