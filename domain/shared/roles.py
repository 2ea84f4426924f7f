from __future__ import annotations

from enum import Enum


class Role(Enum):
    """What a caller may do in every context: carried by the Actor, kept on the User."""

    USER = "user"
    CLINICIAN = "clinician"
    ADMIN = "admin"
