"""Prescriptions with FHIR R4 MedicationRequest's meaning (intent `order`): the status
moves only by the rules below, and only a clinician prescribes or moves one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from domain.clinic.errors import IllegalPrescriptionTransition, InvalidPrescription
from domain.shared.text import CONTROL_BUT_LINE_BREAKS, trimmed

MEDICATION_MAX = 200
CODE_MAX = 64
SYSTEM_MAX = 200
DOSAGE_MAX = 1000
QUANTITY_MAX = 10_000
REFILLS_MAX = 12
INTENT = "order"


class PrescriptionStatus(Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    STOPPED = "stopped"
    ENTERED_IN_ERROR = "entered-in-error"


_S = PrescriptionStatus
# Every legal move but entered-in-error, which any other status may take.
TRANSITIONS: dict[PrescriptionStatus, frozenset[PrescriptionStatus]] = {
    _S.DRAFT: frozenset({_S.ACTIVE, _S.CANCELLED}),
    _S.ACTIVE: frozenset({_S.ON_HOLD, _S.COMPLETED, _S.STOPPED, _S.CANCELLED}),
    _S.ON_HOLD: frozenset({_S.ACTIVE, _S.STOPPED, _S.CANCELLED}),
    _S.CANCELLED: frozenset(),
    _S.COMPLETED: frozenset(),
    _S.STOPPED: frozenset(),
    _S.ENTERED_IN_ERROR: frozenset(),
}
STARTING = frozenset({_S.DRAFT, _S.ACTIVE})


def _text(value: str, name: str, most: int) -> str:
    cleaned = trimmed(value, name)
    if not cleaned or len(cleaned) > most or CONTROL_BUT_LINE_BREAKS.search(cleaned):
        raise InvalidPrescription(f"{name} must be 1-{most} characters", field=name)
    return cleaned


@dataclass(frozen=True, slots=True)
class Medication:
    """What is prescribed: a text, and optionally a code in a coding system."""

    text: str
    code: str | None = None
    system: str | None = None

    @classmethod
    def of(cls, text: str, code: str | None = None, system: str | None = None) -> Medication:
        if (code is None) != (system is None):
            raise InvalidPrescription("a medication code needs its system", field="code")
        return cls(
            _text(text, "medication", MEDICATION_MAX),
            None if code is None else _text(code, "code", CODE_MAX),
            None if system is None else _text(system, "system", SYSTEM_MAX),
        )


@dataclass(eq=False)
class Prescription:
    id: str
    patient_id: str
    requester_id: str
    medication: Medication
    dosage_instruction: str
    quantity: int
    refills: int
    valid_until: date | None
    status: PrescriptionStatus
    authored_on: datetime
    updated_at: datetime

    @property
    def intent(self) -> str:
        return INTENT

    @classmethod
    def prescribe(
        cls,
        prescription_id: str,
        patient_id: str,
        requester_id: str,
        medication: Medication,
        dosage_instruction: str,
        quantity: int,
        refills: int,
        valid_until: date | None,
        now: datetime,
        status: PrescriptionStatus = PrescriptionStatus.ACTIVE,
    ) -> Prescription:
        if status not in STARTING:
            raise InvalidPrescription("a prescription starts as draft or active", field="status")
        if not 1 <= quantity <= QUANTITY_MAX:
            raise InvalidPrescription(f"quantity must be 1-{QUANTITY_MAX}", field="quantity")
        if not 0 <= refills <= REFILLS_MAX:
            raise InvalidPrescription(f"refills must be 0-{REFILLS_MAX}", field="refills")
        if valid_until is not None and valid_until < now.date():
            raise InvalidPrescription("valid_until is in the past", field="valid_until")
        dosage = _text(dosage_instruction, "dosage_instruction", DOSAGE_MAX)
        return cls(
            prescription_id, patient_id, requester_id, medication, dosage, quantity, refills,
            valid_until, status, now, now,
        )  # fmt: skip

    def can_become(self, target: PrescriptionStatus) -> bool:
        if target is _S.ENTERED_IN_ERROR:
            return self.status is not _S.ENTERED_IN_ERROR
        return target in TRANSITIONS[self.status]

    def move(self, target: PrescriptionStatus, now: datetime) -> None:
        if not self.can_become(target):
            raise IllegalPrescriptionTransition(self.status.value, target.value)
        self.status = target
        self.updated_at = now
