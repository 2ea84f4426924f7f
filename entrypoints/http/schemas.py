from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictBody(BaseModel):
    """Request bodies: unknown fields are refused and types are not coerced ("1" is no int)."""

    model_config = ConfigDict(extra="forbid", strict=True)
