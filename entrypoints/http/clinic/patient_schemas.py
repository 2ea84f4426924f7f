"""Patient bodies and responses: parse and document only (the rules are the domain's).
A birth date arrives as a JSON string, so that field alone is not strict."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from application.clinic.dto import PatientView
from application.shared.ids import ID_PATTERN
from application.shared.views import fields_of
from domain.clinic.patients import (
    EMAIL_MAX,
    EMAIL_PATTERN,
    IDENTIFIER_PATTERN,
    NAME_MAX,
    NAME_PATTERN,
    PHONE_PATTERN,
    Gender,
)
from entrypoints.http.schemas import PatchBody, StrictBody, documented

# On a new record null is the same as absent, and the document says so (it once hid the
# null that the API accepted).
_Optional = str | None
_Name = Annotated[
    str,
    documented(
        pattern=NAME_PATTERN,
        description=f"1-{NAME_MAX} characters once trimmed; no control characters",
    ),
]


class PatientCreate(StrictBody):
    given: _Name
    family: _Name
    birth_date: Annotated[
        date, Field(strict=False, description="Not in the future (422 invalid_patient)")
    ]
    gender: Annotated[Gender, Field(strict=False)]
    identifier: Annotated[_Optional, documented(pattern=IDENTIFIER_PATTERN)] = None
    phone: Annotated[_Optional, documented(pattern=PHONE_PATTERN)] = None
    email: Annotated[_Optional, documented(pattern=EMAIL_PATTERN, maxLength=EMAIL_MAX)] = None
    user_id: Annotated[
        _Optional,
        documented(pattern=ID_PATTERN, description="The user account the record belongs to"),
    ] = None
    active: bool = True


class PatientPatch(PatchBody):
    """JSON merge semantics: an absent field is left alone; `identifier`, `phone` and
    `email` may be null (cleared), no other field may. The user link is not changed."""

    nullable: ClassVar[frozenset[str]] = frozenset({"identifier", "phone", "email"})

    # Not `given`: PatchBody.given() lists the fields sent.
    given_name: Annotated[_Name | SkipJsonSchema[None], Field(alias="given")] = None
    family: _Name | SkipJsonSchema[None] = None
    birth_date: (
        Annotated[date, Field(strict=False, description="Not in the future (422 invalid_patient)")]
        | SkipJsonSchema[None]
    ) = None
    gender: Annotated[Gender, Field(strict=False)] | SkipJsonSchema[None] = None
    identifier: Annotated[str | None, documented(pattern=IDENTIFIER_PATTERN)] = None
    phone: Annotated[str | None, documented(pattern=PHONE_PATTERN)] = None
    email: Annotated[str | None, documented(pattern=EMAIL_PATTERN, maxLength=EMAIL_MAX)] = None
    active: bool | SkipJsonSchema[None] = None

    def changes(self) -> dict[str, Any]:
        """The fields sent, named as the command names them."""
        fields = self.given()
        if "given_name" in fields:
            fields["given"] = fields.pop("given_name")
        return fields


class PatientOut(BaseModel):
    id: str
    given: str
    family: str
    birth_date: date
    age: int
    gender: Gender
    identifier: str | None
    phone: str | None
    email: str | None
    active: bool
    user_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, view: PatientView) -> PatientOut:
        return cls(**fields_of(view))
