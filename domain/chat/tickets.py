"""Connection tickets: a browser cannot set headers on a WebSocket, so a signed-in client
trades its token for a short-lived, single-use ticket it puts in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

TICKET_SECONDS = 30


@dataclass(frozen=True, slots=True)
class Ticket:
    ticket_hash: str  # sha256 hex of the ticket: storage never holds the ticket itself
    user_id: str
    session_id: str
    expires_at: datetime

    def is_valid(self, now: datetime) -> bool:
        return now < self.expires_at
