"""Entity tags (RFC 9110 8.8.3) from an object's version counter, and If-Match (13.1.1).

An ETag is the version in quotes, `"7"`: a strong validator, since every change of the
object bumps its version. If-Match is compared strongly: a weak tag (`W/"7"`) or one
that is not ours never matches. The comparison itself is the use case's, under the
object's lock: this module only turns the header into versions.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Header
from pydantic.json_schema import SkipJsonSchema

# A tag this module made: a version in quotes, never weak (W/"..." does not match).
_OURS = re.compile(r'"[1-9][0-9]{0,17}"')

IfMatch = Annotated[
    str | SkipJsonSchema[None],
    Header(
        alias="If-Match",
        description="Change the object only if it still has one of these ETags (as"
        " read, e.g. from GET); else 412 precondition_failed. `*` or no header: any.",
    ),
]

ETAG_HEADER: dict[str, Any] = {
    "ETag": {"schema": {"type": "string"}, "description": "The object's version (strong)"}
}


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(status: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entry: the success status carries an ETag."""
    return {status: {"headers": ETAG_HEADER}}


def expected_versions(if_match: str | None) -> frozenset[int] | None:
    """The versions an If-Match header accepts; None for no header or `*` (any version).
    Tags that are not ours (weak, foreign or malformed) match no version, so a header
    naming none of ours refuses the change rather than letting it through."""
    if if_match is None or if_match.strip() == "*":
        return None
    tags = (element.strip() for element in if_match.split(","))  # ours hold no comma
    return frozenset(int(tag[1:-1]) for tag in tags if _OURS.fullmatch(tag))
