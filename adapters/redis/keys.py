"""Key names for what the limits store in Redis: `<prefix><kind>:<digest>`. The digest is
an HMAC of the counted key (a username, a client address) under the app's secret: anyone
who can read Redis sees neither the usernames nor the addresses, and cannot test guesses
of them offline without the secret. Servers sharing a Redis share the secret already (a
token issued by one is checked by the other)."""

from __future__ import annotations

import hmac


class HashedKeys:
    def __init__(self, prefix: str, secret: str) -> None:
        self._prefix = prefix
        # A key of its own, derived from the secret: the signing key itself never hashes.
        self._key = hmac.digest(secret.encode(), b"caseworks redis key names", "sha256")

    def key(self, kind: str, counted: str) -> str:
        digest = hmac.new(self._key, counted.encode(), "sha256").hexdigest()[:32]
        return f"{self._prefix}{kind}:{digest}"
