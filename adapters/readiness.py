from __future__ import annotations

from application.shared.ports import ReadinessProbe


class AllReadinessProbes(ReadinessProbe):
    """Ready when every probe is (the storage, the chat bus...); the first failure raises."""

    def __init__(self, *probes: ReadinessProbe) -> None:
        self._probes = probes

    async def check(self) -> None:
        for probe in self._probes:
            await probe.check()
