from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticUndefined

from application.shared.ids import ID_PATTERN

_LARGEST_WHOLE = Decimal(2**63)  # larger whole numbers stay as they are, and fail as ints


def whole_number(value: Any) -> Any:
    """JSON has one number type: 3.0 and 3e0 are the integer 3 (JSON Schema agrees), as a
    float (json.loads) or a Decimal (the shop's exact parse); 3.5 is left for the strict
    int check to refuse."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if (
        isinstance(value, Decimal)
        and value.is_finite()
        and value.copy_abs() < _LARGEST_WHOLE  # never build a huge int from 1e999999
        and value == value.to_integral_value()
    ):
        return int(value)
    return value


def documented(default: Any = PydanticUndefined, **schema: Any) -> Any:
    """A field whose rule the domain enforces (naming the rule that failed): the schema
    states that rule, from the domain's own constants, without checking it a second time."""
    return Field(default, json_schema_extra=schema)


class StrictBody(BaseModel):
    """Request bodies: unknown fields are refused and types are not coerced ("1" is no int).
    Text rules (a lone surrogate such as "\\ud800" is no text) are the domain's, not ours."""

    model_config = ConfigDict(extra="forbid", strict=True)


# An id in a path: use cases refuse ids nothing can have (invalid_id, 422) with
# application.shared.ids.check_id; the document states the same pattern.
PathId = Annotated[str, Path(json_schema_extra={"pattern": ID_PATTERN})]


def _absent_is_not_null(schema: dict[str, Any], model: type[BaseModel]) -> None:
    nullable: frozenset[str] = getattr(model, "nullable", frozenset())
    for name, field in schema.get("properties", {}).items():
        if name not in nullable:
            field.pop("default", None)  # None only marks "absent": not a documented null


class PatchBody(StrictBody):
    """A partial update: an absent field is left alone (declare it `X | SkipJsonSchema[None]
    = None`); an explicit null is refused (422) except for the fields in `nullable`."""

    model_config = StrictBody.model_config | {"json_schema_extra": _absent_is_not_null}
    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        for name in self.model_fields_set - self.nullable:
            if getattr(self, name) is None:
                label = type(self).model_fields[name].alias or name  # as the client sent it
                raise ValueError(f"{label} cannot be null (leave it out to keep it)")
        return self

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}
