from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticUndefined


def integral_float(value: Any) -> Any:
    """JSON has one number type: 3.0 is the integer 3 (JSON Schema agrees); 3.5 stays a
    float for the strict int check to refuse."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def documented(default: Any = PydanticUndefined, **schema: Any) -> Any:
    """A field whose rule the domain enforces (naming the rule that failed): the schema
    states that rule, from the domain's own constants, without checking it a second time."""
    return Field(default, json_schema_extra=schema)


class StrictBody(BaseModel):
    """Request bodies: unknown fields are refused and types are not coerced ("1" is no int)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="after")
    def _text_is_unicode(self) -> Self:
        # JSON may escape a lone surrogate ("\ud800"): no encoder, hasher or database
        # can take it, so it is refused here instead of failing deep inside.
        for name, value in self:
            if isinstance(value, str):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise ValueError(f"{name} is not valid Unicode text") from None
        return self
