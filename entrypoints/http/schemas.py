from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
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
    """Request bodies: unknown fields are refused and types are not coerced ("1" is no int).
    Text rules (a lone surrogate such as "\\ud800" is no text) are the domain's, not ours."""

    model_config = ConfigDict(extra="forbid", strict=True)
