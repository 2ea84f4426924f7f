from __future__ import annotations

from application.shared.ports import ReadinessProbe


class InMemoryReadinessProbe(ReadinessProbe):
    async def check(self) -> None:
        """The in-memory store lives in this process: if we answer, it is there."""
