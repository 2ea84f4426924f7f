from __future__ import annotations

import os
import time


def new_id() -> str:
    """Ids are made when an entity is created, so it is whole before it is saved.

    A UUIDv7 (RFC 9562) as 32 hex digits: a millisecond timestamp then 74 random bits, so
    ids sort by creation time (index locality, stable ties). Python 3.14 has uuid.uuid7().
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10))
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # variant RFC 9562
    return f"{value:032x}"
