from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a login lasts before the user must enter the password again."""

    refresh_token_days: int = 14
