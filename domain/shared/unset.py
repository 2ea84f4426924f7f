from __future__ import annotations

from enum import Enum


class Unset(Enum):
    """'Not given' in a partial update, distinct from an explicit None."""

    UNSET = "unset"


UNSET = Unset.UNSET
