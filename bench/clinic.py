"""The clinic's bench rows (the baseline has no clinic): bookings compared with
`POST /todos/`, spread over CLINICIANS clinicians (one patient each) or all on one
clinician; the audited patient read with `GET /todos/{id}`, of the same target."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bench import loadgen
from bench.servers import PASSWORD, login

CLINICIANS = 50
SCENARIOS = (
    f"POST /appointments ({CLINICIANS} clinicians)",
    "POST /appointments (1 clinician)",
    "GET /patients/{id}",
)
REFERENCE = {
    SCENARIOS[0]: "POST /todos/",
    SCENARIOS[1]: "POST /todos/",
    SCENARIOS[2]: "GET /todos/{id}",
}
REPEAT = 1  # runs each (fewer than the todo rows' best of N), to keep the bench's time
ALL_DAY = [{"weekday": day, "start": "00:00", "end": "23:59:59"} for day in range(7)]

EXPLANATION = f"""
Clinic: `POST /appointments` by the admin, each request the next 15-minute slot (from
2100 on) of {CLINICIANS} clinicians in turn, one patient each, or of one clinician
for those {CLINICIANS} patients in turn: none overlaps another, so every error (a
409 too) is a refusal the bench did not expect. `GET /patients/{{id}}` as a clinician,
whose read is audited (the audit event commits before the answer). Ratio =
requests/s relative to `POST /todos/` (bookings) or `GET /todos/{{id}}` (the read) of
the same target, run right after each clinic run (paired: seconds apart, not minutes)."""


@dataclass(frozen=True)
class Clinic:
    admin: dict[str, str]
    clinician: dict[str, str]  # the first clinician's, who reads the patient
    pairs: tuple[tuple[str, str], ...]  # (clinician_id, patient_id)


def seed(client: httpx.Client, admin: dict[str, str]) -> Clinic:
    """CLINICIANS clinicians working every day all day (UTC), one patient each."""
    pairs = []
    for i in range(CLINICIANS):
        user = client.post("/register", json={"username": f"clin-{i}", "password": PASSWORD})
        user.raise_for_status()
        clinician_id = str(user.json()["id"])
        patient = {"given": f"Pat {i}", "family": "Bench", "birth_date": "1980-01-01"}
        steps = [
            ("PUT", f"/users/{clinician_id}/role", {"role": "clinician"}),
            (
                "PUT",
                f"/clinicians/{clinician_id}/working-hours",
                {"time_zone": "UTC", "intervals": ALL_DAY},
            ),
            ("POST", "/patients", {**patient, "gender": "unknown"}),
        ]
        for method, path, body in steps:
            answer = client.request(method, path, json=body, headers=admin)
            answer.raise_for_status()
        pairs.append((clinician_id, str(answer.json()["id"])))
    return Clinic(admin, login(client, "clin-0"), tuple(pairs))


def requests_for(base: str, clinic: Clinic) -> list[loadgen.Request]:
    """In SCENARIOS' order. Booked by the admin; the patient read by a clinician (staff
    reads are audited)."""
    admin = {**clinic.admin, "Content-Type": "application/json"}
    url = f"{base}/appointments"
    clinicians, patients = (tuple(ids) for ids in zip(*clinic.pairs, strict=True))
    spread = loadgen.Bookings(clinicians, patients)
    one = loadgen.Bookings(clinicians[:1], patients)
    patient = f"{base}/patients/{clinic.pairs[0][1]}"
    return [
        loadgen.Request("POST", url, admin, bookings=spread),
        loadgen.Request("POST", url, admin, bookings=one),
        loadgen.Request("GET", patient, clinic.clinician),
    ]
