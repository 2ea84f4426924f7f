"""The clinic's routes, as they join the app, one theme per module: the caller's own
record (me.py, first: "me" is a well-formed patient id, and the first match wins),
patient records, clinicians' schedules, appointments, prescriptions, the audit trail."""

from __future__ import annotations

from entrypoints.http.clinic import appointments, audit, me, patients, prescriptions, schedule

routers = (
    me.router,
    patients.router,
    schedule.router,
    appointments.router,
    prescriptions.router,
    audit.router,
)
