"""Patients (a slice of FHIR R4's Patient): a name, a birth date, a gender, and optionally
a medical record number, contact details and the user account the record belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from domain.clinic.errors import InvalidPatient
from domain.shared.text import CONTROL, trimmed

NAME_MAX = 100
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
        raise InvalidPatient(f"{field} must be 1-{NAME_MAX} characters", field=field)
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

    def age(self, on: date) -> int:
        return age(self.birth_date, on)

    def belongs_to(self, user_id: str) -> bool:
        return self.user_id is not None and self.user_id == user_id
