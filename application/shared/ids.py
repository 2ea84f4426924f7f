from __future__ import annotations

import uuid


def new_id() -> str:
    """Ids are made when an entity is created, so it is whole before it is saved."""
    return uuid.uuid4().hex
