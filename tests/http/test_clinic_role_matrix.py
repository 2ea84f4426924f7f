"""Every clinic route, called by every kind of caller, answers the status and problem
code the clinic's rules give, and each refused attempt on patient data leaves an audit
event with outcome failure. The routes are read from the app: one without a row fails
the suite, so a new route cannot be left out of the matrix."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from entrypoints.container import Container
from tests.http.clinic_helpers import DAY, EVERY_DAY
from tests.http.clinic_matrix import (
    CALLERS,
    FORBIDDEN,
    ROLE,
    RX,
    Caller,
    Expect,
    World,
    admin_only,
    anyone,
    build_world,
    linked_only,
    matrix,
    own_or_staff,
    staff,
)

CLINIC_PREFIXES = ("/patients", "/appointments", "/clinicians", "/prescriptions", "/audit")

Params = dict[str, str]
Body = Callable[[World, Params], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as the app declares it
    expected: dict[Caller, Expect]
    body: Body | None = None
    makes: str | None = None  # "appointment" or "prescription": a fresh one per call
    query: str = ""
    audited: bool = True  # whether the code audits a refusal (403, 404) of this route
    variant: str = ""  # what tells two rows of one route apart (their body)


def new_patient(world: World, params: Params) -> dict[str, Any]:
    return {"given": "New", "family": "Patient", "birth_date": "2001-02-03", "gender": "other"}


def working_hours(world: World, params: Params) -> dict[str, Any]:
    return {"time_zone": "UTC", "intervals": EVERY_DAY}


def booking(world: World, params: Params) -> dict[str, Any]:
    start, end = world.next_slot()
    return {"patient_id": params["patient_id"], "clinician_id": world.clinician_id} | {
        "start": start,
        "end": end,
    }


def prescription(world: World, params: Params) -> dict[str, Any]:
    return RX | {"patient_id": params["patient_id"]}


def status(value: str) -> Body:
    return lambda world, params: {"status": value}


NO_PATIENT = "404 patient_not_found"
NO_APPOINTMENT = "404 appointment_not_found"
NO_PRESCRIPTION = "404 prescription_not_found"
ONLY_CLINICIANS = matrix(FORBIDDEN, FORBIDDEN, FORBIDDEN, "201", FORBIDDEN)
APPOINTMENT, PRESCRIPTION = "appointment", "prescription"
APPOINTMENT_STATUS = "/appointments/{appointment_id}/status"
PRESCRIPTION_STATUS = "/prescriptions/{prescription_id}/status"

# One row per route (per body, where the body changes who may). A caller refused an
# action that names no record they may not see gets 403; one asking after a record that
# is not theirs gets 404, so nothing tells them it exists.
# fmt: off
ROWS = (
    Row("POST", "/patients", staff("201"), body=new_patient),
    Row("GET", "/patients/me", linked_only("200")),
    Row("GET", "/patients/me/appointments", linked_only("200")),
    Row("GET", "/patients/me/prescriptions", linked_only("200")),
    Row("GET", "/patients/me/access-log", linked_only("200")),
    Row("GET", "/patients", staff("200")),
    Row("GET", "/patients/{patient_id}", own_or_staff("200", NO_PATIENT)),
    # A linked user may see their record but not change it.
    Row("PATCH", "/patients/{patient_id}", matrix(NO_PATIENT, FORBIDDEN, NO_PATIENT, "200", "200"),
        body=lambda world, params: {"phone": "+1 555 0100"}),
    Row("GET", "/patients/{patient_id}/prescriptions", own_or_staff("200", NO_PATIENT)),
    Row("PUT", "/clinicians/{clinician_id}/working-hours", admin_only("200"),
        body=working_hours, audited=False),
    Row("GET", "/clinicians/{clinician_id}/availability", anyone("200"),
        query=f"?date={DAY.isoformat()}"),
    Row("POST", "/appointments", own_or_staff("201", NO_PATIENT), body=booking),
    Row("GET", "/appointments/{appointment_id}", own_or_staff("200", NO_APPOINTMENT),
        makes=APPOINTMENT),
    Row("POST", "/appointments/{appointment_id}/cancel", own_or_staff("200", NO_APPOINTMENT),
        makes=APPOINTMENT),
    Row("POST", APPOINTMENT_STATUS, own_or_staff("200", NO_APPOINTMENT),
        body=status("cancelled"), makes=APPOINTMENT, variant="cancelled"),
    Row("POST", APPOINTMENT_STATUS,
        matrix(NO_APPOINTMENT, FORBIDDEN, NO_APPOINTMENT, "200", "200"),
        body=status("arrived"), makes=APPOINTMENT, variant="arrived"),
    Row("POST", APPOINTMENT_STATUS,
        matrix(NO_APPOINTMENT, FORBIDDEN, NO_APPOINTMENT, FORBIDDEN, "200"),
        body=status("entered-in-error"), makes=APPOINTMENT, variant="entered-in-error"),
    Row("POST", "/prescriptions", ONLY_CLINICIANS, body=prescription),
    Row("GET", "/prescriptions/{prescription_id}", own_or_staff("200", NO_PRESCRIPTION),
        makes=PRESCRIPTION),
    Row("POST", PRESCRIPTION_STATUS,
        matrix(NO_PRESCRIPTION, FORBIDDEN, NO_PRESCRIPTION, "200", FORBIDDEN),
        body=status("on-hold"), makes=PRESCRIPTION, variant="on-hold"),
    Row("POST", PRESCRIPTION_STATUS,
        matrix(NO_PRESCRIPTION, FORBIDDEN, NO_PRESCRIPTION, "200", FORBIDDEN),
        body=status("entered-in-error"), makes=PRESCRIPTION, variant="entered-in-error"),
    Row("GET", "/audit", admin_only("200"), audited=False),
)
# fmt: on


def row_id(row: Row) -> str:
    return f"{row.method} {row.path} {row.variant}".strip()


def clinic_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every clinic operation the app serves."""
    found = set()
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith(CLINIC_PREFIXES):
            methods = route.methods or set()
            # The path as documented: "{patient_id:record_id}" is "{patient_id}".
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            found |= {(method, path) for method in methods - {"HEAD"}}
    return found


async def test_every_clinic_route_has_a_row_and_every_row_a_route(app: FastAPI) -> None:
    served = clinic_routes(app)
    assert len(served) >= 17  # the walk finds the clinic at all
    tabled = {(row.method, row.path) for row in ROWS}
    assert len({row_id(row) for row in ROWS}) == len(ROWS), "two rows say the same"
    assert served - tabled == set(), "clinic routes missing from ROWS"
    assert tabled - served == set(), "rows for routes the app does not serve"


async def _params(world: World, row: Row, caller: Caller) -> Params:
    params = {"patient_id": world.patient_for(caller), "clinician_id": world.clinician_id}
    if row.makes == APPOINTMENT:
        params["appointment_id"] = await world.appointment(params["patient_id"])
    elif row.makes == PRESCRIPTION:
        params["prescription_id"] = await world.prescription(params["patient_id"])
    return params


async def _answer(world: World, row: Row, caller: Caller) -> Expect:
    params = await _params(world, row, caller)
    url = row.path.format(**params) + row.query
    body = row.body(world, params) if row.body else None
    response = await world.client.request(row.method, url, json=body, headers=world.headers[caller])
    if response.status_code < 400:
        return Expect(response.status_code)
    assert response.headers["content-type"].startswith("application/problem+json")
    return Expect(response.status_code, response.json()["code"])


@pytest.mark.parametrize("row", ROWS, ids=row_id)
async def test_each_caller_gets_the_clinics_answer(
    row: Row, client: httpx.AsyncClient, container: Container
) -> None:
    world = await build_world(client, container)
    wrong = []
    for caller in CALLERS:
        before = None if caller is Caller.ANONYMOUS else await world.failures(caller)
        got = await _answer(world, row, caller)
        if got != row.expected[caller]:
            wrong.append(f"{caller.value}: {got}, expected {row.expected[caller]}")
            continue
        if before is None:
            continue
        after = await world.failures(caller)
        new = after[: len(after) - len(before)]  # newest first
        refused = got.status in (403, 404)
        if len(new) != (1 if refused and row.audited else 0):
            wrong.append(f"{caller.value}: {got} left {len(new)} failure events")
        elif new and (new[0]["role"], new[0]["actor_id"]) != (
            ROLE[caller],
            world.actor_ids[caller],
        ):
            wrong.append(f"{caller.value}: the failure event names {new[0]}")
    assert not wrong, "\n".join(wrong)
