"""The HTTP side of idempotent create commands (IETF httpapi Idempotency-Key draft), for
any context: the header a route takes, what its 201 documents, and how it answers. The
rule itself (claim, replay, fingerprint) is the application's
(application/shared/idempotency.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Response
from pydantic.json_schema import SkipJsonSchema

from domain.shared.idempotency import IDEMPOTENCY_KEY_PATTERN

# The value is an opaque key (as sent, quotes and all); the use case checks it against the
# pattern (invalid_idempotency_key, 422).
IdempotencyKey = Annotated[
    str | SkipJsonSchema[None],
    Header(
        alias="Idempotency-Key",
        description="Retrying with the same key and request answers the first response"
        " again (with Idempotent-Replayed: true) instead of making a second one. Keys are"
        " the caller's own and kept 24 hours; another request with the key is a 422, and a"
        " retry while the first request runs a 409.",
        json_schema_extra={"pattern": IDEMPOTENCY_KEY_PATTERN},
    ),
]


def created(what: str) -> dict[int | str, dict[str, Any]]:
    """The documented 201 of an idempotent create: `Location`, and `Idempotent-Replayed`."""
    return {
        201: {
            "description": f"The {what}, made (or the first answer to this Idempotency-Key)",
            "headers": {
                "Location": {"schema": {"type": "string"}, "description": f"The {what}'s URL"},
                "Idempotent-Replayed": {
                    "schema": {"type": "string", "enum": ["true"]},
                    "description": "Present when this answers a retried Idempotency-Key",
                },
            },
        }
    }


def answer_created(response: Response, url: str, replayed: bool) -> None:
    response.headers["Location"] = url
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
