"""Idempotency keys (IETF httpapi Idempotency-Key draft), for any context's create command:
a retried request with the same key gets the first answer instead of a second result."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.shared.errors import Conflict, InvalidInput

# Visible ASCII, no spaces: UUIDs and random tokens fit, header injection does not.
IDEMPOTENCY_KEY_MAX = 255
IDEMPOTENCY_KEY_PATTERN = rf"^[\x21-\x7e]{{1,{IDEMPOTENCY_KEY_MAX}}}$"
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN.removeprefix("^").removesuffix("$"))
# How long a key is remembered: a retry after that is a new request.
KEY_RETENTION = timedelta(hours=24)
# A claim not completed within this long belongs to a request that crashed or hung: a
# retry may take it over, so one lost request does not block its key for a day.
CLAIM_TIMEOUT = timedelta(seconds=60)


class InvalidIdempotencyKey(InvalidInput):
    code = "invalid_idempotency_key"


class IdempotencyKeyReused(InvalidInput):
    """The key was first used with another request (IETF draft: 422)."""

    code = "idempotency_key_reused"


class IdempotencyKeyInProgress(Conflict):
    """The first request with this key has not finished yet (IETF draft: 409)."""

    code = "idempotency_key_in_progress"


def check_idempotency_key(key: str) -> str:
    # ASCII only, so a lone surrogate fails here too; a refused key is never echoed back.
    if not _KEY.fullmatch(key):
        raise InvalidIdempotencyKey(
            f"an idempotency key is 1-{IDEMPOTENCY_KEY_MAX} visible ASCII characters"
        )
    return key


@dataclass(frozen=True)
class IdempotencyRecord:
    """One user's key: claimed (result_id None) while its request runs, then completed with
    the id of what it made (an order, an appointment...). `claim_token` tells this claim
    from a later takeover, so a slow request that lost its claim can neither complete nor
    release the new one."""

    user_id: str
    key: str
    fingerprint: str
    claim_token: str
    created_at: datetime
    result_id: str | None = None

    @property
    def completed(self) -> bool:
        return self.result_id is not None

    def is_expired(self, now: datetime) -> bool:
        """Kept for 24 h, then forgotten (the purge deletes exactly these)."""
        return now > self.created_at + KEY_RETENTION

    def is_stale(self, now: datetime) -> bool:
        return not self.completed and now >= self.created_at + CLAIM_TIMEOUT

    def complete(self, result_id: str) -> IdempotencyRecord:
        return replace(self, result_id=result_id)
