"""Clinic bodies and responses: parse and document only (the rules are the domain's).
Dates and times arrive as JSON strings, so those fields alone are not strict."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field
from pydantic.json_schema import SkipJsonSchema, WithJsonSchema

from application.clinic.dto import (
    AppointmentView,
    PrescriptionView,
    WorkingHoursView,
)
from application.shared.ids import ID_PATTERN
from application.shared.views import fields_of
from domain.clinic.appointments import REASON_MAX, AppointmentStatus
from domain.clinic.audit import AuditAction, AuditEvent, AuditOutcome
from domain.clinic.prescriptions import (
    CODE_MAX,
    DOSAGE_MAX,
    MEDICATION_MAX,
    QUANTITY_MAX,
    REFILLS_MAX,
    SYSTEM_MAX,
    PrescriptionStatus,
)
from domain.clinic.schedule import INTERVALS_MAX
from entrypoints.http.schemas import StrictBody, documented, whole_number

# A wall-clock time of day, as the domain takes it (schedule.py: no offset). Not JSON
# Schema's `format: time`, which is RFC 3339's full-time and requires an offset ("09:00:00Z"):
# the document said that, the API answered "09:00:00" and refused "09:00:00Z" with a 422.
WALL_CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
_WALL_CLOCK = WithJsonSchema(
    {
        "type": "string",
        "pattern": WALL_CLOCK_PATTERN,
        "description": "A wall-clock time, HH:MM or HH:MM:SS, without an offset",
        "examples": ["09:00"],
    }
)
_Time = Annotated[time, Field(strict=False), _WALL_CLOCK]
_Instant = Annotated[
    datetime,
    Field(
        strict=False,
        description="With a UTC offset, not in the past; `end` after `start`, at most 8 hours"
        " later (else 422 invalid_appointment_time)",
    ),
]
_Optional = str | SkipJsonSchema[None]


class WorkingIntervalIn(StrictBody):
    weekday: Annotated[
        int, Field(ge=0, le=6, description="0 Monday .. 6 Sunday"), BeforeValidator(whole_number)
    ]
    start: _Time
    end: _Time


class WorkingHoursIn(StrictBody):
    time_zone: Annotated[
        str,
        documented(description="An IANA key, as Europe/Berlin (else 422 unknown_time_zone)"),
    ]
    intervals: Annotated[
        list[WorkingIntervalIn],
        documented(
            maxItems=INTERVALS_MAX,
            description="Each ends after it starts; one day's do not overlap"
            " (else 422 invalid_working_hours)",
        ),
    ]


class WorkingIntervalOut(BaseModel):
    weekday: int
    start: Annotated[time, _WALL_CLOCK]
    end: Annotated[time, _WALL_CLOCK]


class WorkingHoursOut(BaseModel):
    clinician_id: str
    time_zone: str
    intervals: list[WorkingIntervalOut]

    @classmethod
    def of(cls, view: WorkingHoursView) -> WorkingHoursOut:
        intervals = [WorkingIntervalOut(weekday=d, start=s, end=e) for d, s, e in view.intervals]
        return cls(clinician_id=view.clinician_id, time_zone=view.time_zone, intervals=intervals)


class SlotOut(BaseModel):
    start: datetime
    end: datetime


class AvailabilityOut(BaseModel):
    clinician_id: str
    date: date
    time_zone: str | None
    slots: list[SlotOut]


class AppointmentCreate(StrictBody):
    patient_id: Annotated[str, documented(pattern=ID_PATTERN)]
    clinician_id: Annotated[str, documented(pattern=ID_PATTERN)]
    start: _Instant
    end: _Instant
    reason: Annotated[str, documented(maxLength=REASON_MAX)] = ""


class StatusChange(StrictBody):
    status: Annotated[AppointmentStatus, Field(strict=False)]
    reason: Annotated[
        _Optional,
        documented(maxLength=REASON_MAX, description="Only when cancelled or noshow"),
    ] = None


class AppointmentOut(BaseModel):
    id: str
    patient_id: str
    clinician_id: str
    status: AppointmentStatus
    start: datetime | None
    end: datetime | None
    reason: str
    cancelation_reason: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: AppointmentView) -> AppointmentOut:
        fields = fields_of(view)
        del fields["replayed"]
        return cls(**fields)


class AuditEventOut(BaseModel):
    """FHIR AuditEvent's meaning: `action` C(reate), R(ead), U(pdate), D(elete),
    E(xecute); `patient_id` null when a refused attempt named no patient."""

    id: str
    at: datetime
    actor_id: str
    role: str
    action: AuditAction
    entity_type: str
    entity_id: str
    patient_id: str | None
    outcome: AuditOutcome
    request_id: str | None

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        return cls(**{name: getattr(event, name) for name in AuditEvent.__slots__})


class PrescriptionCreate(StrictBody):
    """FHIR MedicationRequest (intent `order`); the requester is the calling clinician."""

    patient_id: Annotated[str, documented(pattern=ID_PATTERN)]
    medication: Annotated[
        str, documented(minLength=1, maxLength=MEDICATION_MAX, description="Not blank once trimmed")
    ]
    medication_code: Annotated[
        _Optional, documented(maxLength=CODE_MAX, description="Only with medication_system")
    ] = None
    medication_system: Annotated[
        _Optional, documented(maxLength=SYSTEM_MAX, description="Only with medication_code")
    ] = None
    dosage_instruction: Annotated[
        str, documented(minLength=1, maxLength=DOSAGE_MAX, description="Not blank once trimmed")
    ]
    quantity: Annotated[int, Field(ge=1, le=QUANTITY_MAX), BeforeValidator(whole_number)]
    refills: Annotated[int, Field(ge=0, le=REFILLS_MAX), BeforeValidator(whole_number)] = 0
    valid_until: (
        Annotated[date, Field(strict=False, description="Not in the past")] | SkipJsonSchema[None]
    ) = None
    status: Literal["draft", "active"] = "active"


class PrescriptionStatusChange(StrictBody):
    status: Annotated[PrescriptionStatus, Field(strict=False)]


class PrescriptionOut(BaseModel):
    id: str
    patient_id: str
    requester_id: str
    medication: str
    medication_code: str | None
    medication_system: str | None
    dosage_instruction: str
    quantity: int
    refills: int
    valid_until: date | None
    status: PrescriptionStatus
    intent: Literal["order"]
    authored_on: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: PrescriptionView) -> PrescriptionOut:
        fields = fields_of(view)
        fields["medication"] = fields.pop("medication_text")
        return cls(**fields)
