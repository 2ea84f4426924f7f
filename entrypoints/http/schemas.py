from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator


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
