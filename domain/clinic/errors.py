"""Clinic errors, named after the rule they guard; `code` is what clients match on."""

from __future__ import annotations

from domain.shared.errors import Conflict, InvalidInput, NotFound


class InvalidPatient(InvalidInput):
    code = "invalid_patient"


class PatientNotFound(NotFound):
    code = "patient_not_found"

    @classmethod
    def with_id(cls, patient_id: str) -> PatientNotFound:
        return cls(f"patient {patient_id!r} not found")


class PatientInactive(Conflict):
    code = "patient_inactive"


class IdentifierTaken(Conflict):
    """Another patient has this medical record number."""

    code = "identifier_taken"


class PatientAlreadyLinked(Conflict):
    """A user account is linked to one patient record at most."""

    code = "patient_already_linked"


class NotAClinician(NotFound):
    """The user named as the clinician is not one (or does not exist)."""

    code = "not_a_clinician"

    @classmethod
    def with_id(cls, user_id: str) -> NotAClinician:
        return cls(f"clinician {user_id!r} not found")


class UnknownTimeZone(InvalidInput):
    code = "unknown_time_zone"


class InvalidWorkingHours(InvalidInput):
    code = "invalid_working_hours"


class AppointmentNotFound(NotFound):
    code = "appointment_not_found"

    @classmethod
    def with_id(cls, appointment_id: str) -> AppointmentNotFound:
        return cls(f"appointment {appointment_id!r} not found")


class InvalidAppointment(InvalidInput):
    """One of FHIR's Appointment invariants (start/end together, cancelation reason)."""

    code = "invalid_appointment"


class InvalidAppointmentTime(InvalidInput):
    """An interval that can never be booked: naive, empty, too long, or in the past."""

    code = "invalid_appointment_time"


class OutsideWorkingHours(Conflict):
    code = "outside_working_hours"


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"an appointment cannot go from {current} to {target}", status=current, target=target
        )


class SlotTaken(Conflict):
    """The clinician or the patient already has an active appointment overlapping the
    interval: `appointment_id` names it."""

    code = "slot_taken"

    def __init__(self, detail: str, appointment_id: str) -> None:
        super().__init__(detail, appointment_id=appointment_id)
        self.appointment_id = appointment_id

    @classmethod
    def by(cls, appointment_id: str) -> SlotTaken:
        return cls(f"the interval overlaps appointment {appointment_id!r}", appointment_id)


class PrescriptionNotFound(NotFound):
    code = "prescription_not_found"

    @classmethod
    def with_id(cls, prescription_id: str) -> PrescriptionNotFound:
        return cls(f"prescription {prescription_id!r} not found")


class InvalidPrescription(InvalidInput):
    code = "invalid_prescription"


class IllegalPrescriptionTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"a prescription cannot go from {current} to {target}", status=current, target=target
        )


class InvalidAuditQuery(InvalidInput):
    """`from` or `to` without a UTC offset, or `from` after `to`."""

    code = "invalid_audit_query"
