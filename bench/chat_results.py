"""One chat run's figures, combined from the load generator's worker processes."""

from __future__ import annotations

from dataclasses import dataclass

from bench.chat_clients import Tally


@dataclass(frozen=True)
class ChatResult:
    delivered_per_second: float
    p50_ms: float | None  # None: nothing was delivered
    p99_ms: float | None
    sent: int
    undelivered: int  # messages x connected readers - deliveries
    closed: dict[int, int]  # close code -> clients the server closed during the run
    errors: int  # error frames, and clients that could not connect
    stalled: str  # how the stalled client's connection ended ("-": none in this run)

    def summary(self) -> str:
        return (
            f"{self.delivered_per_second:9.0f} delivered/s  p50 {_ms(self.p50_ms):>8}"
            f"  p99 {_ms(self.p99_ms):>8}  sent {self.sent}  undelivered {self.undelivered}"
            f"  closed {_codes(self.closed)}  errors {self.errors}  stalled {self.stalled}"
        )

    def row(self, vs: str) -> str:
        return (
            f"{self.delivered_per_second:,.0f} | {vs} | {_ms(self.p50_ms)} | {_ms(self.p99_ms)}"
            f" | {self.undelivered:,} | {_codes(self.closed)} | {self.errors} | {self.stalled}"
        )


def combine(tallies: list[Tally], readers: int, seconds: float, stalled: str) -> ChatResult:
    latencies = sorted(ms for tally in tallies for ms in tally.latencies_ms)
    sent = sum(n for tally in tallies for n in tally.sent.values())
    closed: dict[int, int] = {}
    for tally in tallies:
        for code, count in tally.close_codes.items():
            closed[code] = closed.get(code, 0) + count
    return ChatResult(
        delivered_per_second=len(latencies) / seconds,
        p50_ms=_percentile(latencies, 0.50),
        p99_ms=_percentile(latencies, 0.99),
        sent=sent,
        undelivered=sent * readers - len(latencies),
        closed=closed,
        errors=sum(tally.errors + tally.connect_failures for tally in tallies),
        stalled=stalled,
    )


def _percentile(ordered: list[float], p: float) -> float | None:
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _codes(closed: dict[int, int]) -> str:
    return ", ".join(f"{count}x {code}" for code, count in sorted(closed.items())) or "-"
