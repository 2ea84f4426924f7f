"""Audit events: who read or changed which clinical record, and who was refused."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class AuditAction(enum.StrEnum):
    """Create, Read, Update, Delete, Execute (FHIR AuditEvent.action)."""

    CREATE = "C"
    READ = "R"
    UPDATE = "U"
    DELETE = "D"
    EXECUTE = "E"


class AuditOutcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """`patient_id` is None when a refused attempt named no patient that exists."""

    id: str
    at: datetime
    actor_id: str
    role: str
    action: AuditAction
    entity_type: str
    entity_id: str
    patient_id: str | None
    outcome: AuditOutcome
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Events of this patient, by this actor, at or after `since`, before `until`."""

    patient_id: str | None = None
    actor_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
