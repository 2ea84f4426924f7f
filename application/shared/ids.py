from __future__ import annotations

import os
import re
import time

from domain.shared.errors import InvalidId

# Ids are opaque to clients, but always 1-64 printable ASCII characters: every id we make
# fits, and nothing else (NUL, which PostgreSQL cannot store; control characters; lone
# surrogates) reaches a repository. Published as is in the OpenAPI document.
ID_PATTERN = r"^[\x20-\x7e]{1,64}$"
_ID = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$"))


def new_id() -> str:
    """Ids are made when an entity is created, so it is whole before it is saved.

    A UUIDv7 (RFC 9562) as 32 hex digits: a millisecond timestamp then 74 random bits, so
    ids sort by creation time (index locality, stable ties). Python 3.14 has uuid.uuid7().
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10))
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # variant RFC 9562
    return f"{value:032x}"


def check_id(value: str, what: str) -> str:
    """`value` unchanged, or InvalidId: an id no entity can have is bad input (422), not
    an unknown one (404). Call it on every id that comes from outside."""
    if _ID.fullmatch(value) is None:
        raise InvalidId(f"{what} must be 1-64 printable ASCII characters")
    return value
