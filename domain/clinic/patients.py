"""Patients (a slice of FHIR R4's Patient): a name, a birth date, a gender, and optionally
a medical record number, contact details and the user account the record belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from domain.clinic.errors import InvalidPatient
from domain.shared.text import CONTROL, trimmed, trimmed_pattern
from domain.shared.unset import Unset

NAME_MAX = 100
# A given or family name as _name_part takes it (published in the patient schemas).
NAME_PATTERN = trimmed_pattern(NAME_MAX, line_breaks=False)
IDENTIFIER_PATTERN = r"^[\x21-\x7e]{1,64}$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()./-]{2,31}$"
EMAIL_PATTERN = r"^[^@\x00-\x20\x7f]{1,64}@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"
EMAIL_MAX = 254
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN.strip("^$"))
_PHONE = re.compile(PHONE_PATTERN.strip("^$"))
_EMAIL = re.compile(EMAIL_PATTERN.strip("^$"))


class Gender(Enum):
    """FHIR's AdministrativeGender."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class HumanName:
    given: str
    family: str

    @classmethod
    def of(cls, given: str, family: str) -> HumanName:
        return cls(_name_part(given, "given name"), _name_part(family, "family name"))


def _name_part(value: str, field: str) -> str:
    cleaned = trimmed(value, field)
    if not 1 <= len(cleaned) <= NAME_MAX or CONTROL.search(cleaned):
        detail = f"{field} must be 1-{NAME_MAX} characters once trimmed, without control characters"
        raise InvalidPatient(detail, field=field)
    return cleaned


def _optional(value: str | None, pattern: re.Pattern[str], field: str, hint: str) -> str | None:
    if value is None:
        return None
    if not pattern.fullmatch(value) or len(value) > EMAIL_MAX:
        raise InvalidPatient(f"{field} must be {hint}", field=field)
    return value


def age(birth_date: date, on: date) -> int:
    """Whole years lived on `on` (someone born on 29 February turns a year older on 1 March
    in a common year)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


@dataclass(eq=False)
class Patient:
    id: str
    name: HumanName
    birth_date: date
    gender: Gender
    identifier: str | None
    phone: str | None
    email: str | None
    active: bool
    user_id: str | None  # the user account this record belongs to, if any
    created_at: datetime

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Patient) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @classmethod
    def register(
        cls,
        id: str,
        name: HumanName,
        birth_date: date,
        gender: Gender,
        now: datetime,
        *,
        identifier: str | None = None,
        phone: str | None = None,
        email: str | None = None,
        user_id: str | None = None,
        active: bool = True,
    ) -> Patient:
        if birth_date > now.date():
            raise InvalidPatient("birth_date must not be in the future", field="birth_date")
        identifier = _optional(identifier, _IDENTIFIER, "identifier", "1-64 visible characters")
        phone = _optional(phone, _PHONE, "phone", "a phone number")
        email = _optional(email, _EMAIL, "email", "like name@example.org")
        return cls(id, name, birth_date, gender, identifier, phone, email, active, user_id, now)

    def change(
        self,
        today: date,
        *,
        name: HumanName | Unset,
        birth_date: date | Unset,
        gender: Gender | Unset,
        identifier: str | Unset | None,
        phone: str | Unset | None,
        email: str | Unset | None,
        active: bool | Unset,
    ) -> None:
        """A partial update: Unset leaves a field alone; None clears an optional one. Every
        rule is checked before anything changes. The user link is not changed here."""
        if not isinstance(birth_date, Unset) and birth_date > today:
            raise InvalidPatient("birth_date must not be in the future", field="birth_date")
        if not isinstance(identifier, Unset):
            identifier = _optional(identifier, _IDENTIFIER, "identifier", "1-64 visible characters")
        if not isinstance(phone, Unset):
            phone = _optional(phone, _PHONE, "phone", "a phone number")
        if not isinstance(email, Unset):
            email = _optional(email, _EMAIL, "email", "like name@example.org")
        self.name = self.name if isinstance(name, Unset) else name
        self.birth_date = self.birth_date if isinstance(birth_date, Unset) else birth_date
        self.gender = self.gender if isinstance(gender, Unset) else gender
        self.identifier = self.identifier if isinstance(identifier, Unset) else identifier
        self.phone = self.phone if isinstance(phone, Unset) else phone
        self.email = self.email if isinstance(email, Unset) else email
        self.active = self.active if isinstance(active, Unset) else active

    def age(self, on: date) -> int:
        return age(self.birth_date, on)

    def belongs_to(self, user_id: str) -> bool:
        return self.user_id is not None and self.user_id == user_id


@dataclass(frozen=True, slots=True)
class PatientFilter:
    """Patients whose given or family name contains `q` (any case, `%` and `_` literal),
    with exactly this `identifier`, and this `active` flag; None matches any."""

    q: str | None = None
    identifier: str | None = None
    active: bool | None = None

    def matches(self, patient: Patient) -> bool:
        if self.identifier is not None and patient.identifier != self.identifier:
            return False
        if self.active is not None and patient.active != self.active:
            return False
        if self.q is None:
            return True
        needle = self.q.casefold()
        name = patient.name
        return needle in name.given.casefold() or needle in name.family.casefold()


def search_order(patient: Patient) -> tuple[str, str, str]:
    """Family name, then given name, then id: a stable order for paging."""
    return (patient.name.family, patient.name.given, patient.id)
