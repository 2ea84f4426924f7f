"""The login flood bench (`python -m bench --only login_flood` runs it alone): does a flood
of wrong passwords slow anyone else down, and does it still get its logins checked?

Per target, in each round: an authenticated `GET /todos/{id}` at a fixed rate, alone
(idle) and then while FLOODERS connections post wrong passwords as fast as they are
answered, each for a new username (unknown users cost a full argon2 verify, and no
throttle key is ever reused); then the raw rate: argon2 verifying one hash in a tight loop
in a process of its own, with the same profile and no server. Targets: the p99 under the
flood at most 3x idle, and logins answered under the flood at least 80% of the raw rate.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.login_flood_clients import probe_and_flood, raw_verify_rate
from bench.servers import PASSWORD, Target, login, running
from entrypoints.settings import Settings

PROFILE = "RFC_9106_LOW_MEMORY"  # the servers' default
NICENESS = Settings.model_fields["hash_worker_nice"].default  # the hash workers' default
PROBE_RATE = 100.0  # GET /todos/{id} a second, on one kept-alive connection
FLOODERS = 8  # within the default waiting line (1 worker + 16 waiting): none refused
P99_LIMIT = 3.0
RATE_FLOOR = 0.8
HEADING = "## Login flood"


@dataclass(frozen=True)
class FloodRun:
    idle_p99_ms: float
    flood_p99_ms: float
    logins_per_second: float  # wrong-password logins answered 401 in the window
    raw_per_second: float
    refused: int  # 429 and 503 answers to the flood
    errors: int  # probe answers other than 200, socket errors

    @property
    def p99_ratio(self) -> float:
        return self.flood_p99_ms / self.idle_p99_ms if self.idle_p99_ms else float("inf")

    @property
    def rate_ratio(self) -> float:
        return self.logins_per_second / self.raw_per_second if self.raw_per_second else 0.0

    def margin(self) -> float:
        """How far the worse of the two targets is from its limit (lower is better)."""
        return max(self.p99_ratio / P99_LIMIT, RATE_FLOOR / max(self.rate_ratio, 1e-9))

    def summary(self) -> str:
        return (
            f"p99 idle {self.idle_p99_ms:6.2f} ms  flood {self.flood_p99_ms:7.2f} ms"
            f" ({self.p99_ratio:4.1f}x)  logins {self.logins_per_second:5.1f}/s"
            f"  raw {self.raw_per_second:5.1f}/s ({self.rate_ratio:4.0%})"
            f"  refused {self.refused}  errors {self.errors}"
        )


@dataclass(frozen=True)
class FloodTarget:
    server: Target
    niceness: int  # its hashes' priority: the raw rate is measured at the same


TARGETS = (
    FloodTarget(Target("hash workers (default)", True), NICENESS),
    FloodTarget(Target("hash threads (HASH_WORKERS=0)", True, {"CASEWORKS_HASH_WORKERS": "0"}), 0),
)


def measure(duration: float, warmup: float, rounds: int) -> dict[str, FloodRun]:
    """Both servers up at once; each round visits each in turn. Per target, the round
    nearest its limits is kept (noise on a shared machine only ever makes things worse)."""
    best: dict[str, FloodRun] = {}
    with ExitStack() as stack:
        plans = []
        for target in TARGETS:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            base = stack.enter_context(running(target.server, workdir))
            plans.append((target.server.name, target.niceness, *_seed(base)))
        for _ in range(rounds):
            for name, niceness, url, headers in plans:
                run = _run(url, headers, duration, warmup, niceness)
                print(f"login flood  {name:30} {run.summary()}", flush=True)
                if name not in best or run.margin() < best[name].margin():
                    best[name] = run
    return best


def _seed(base: str) -> tuple[str, dict[str, str]]:
    """A user with one todo: the probe's URL and bearer header."""
    with httpx.Client(base_url=base, timeout=60) as client:
        client.post("/register", json={"username": "bench", "password": PASSWORD})
        headers = login(client, "bench")
        created = client.post("/todos/", json={"task": "probe"}, headers=headers)
        created.raise_for_status()
    return f"{base}/todos/{created.json()['id']}", headers


def _run(
    url: str, headers: dict[str, str], duration: float, warmup: float, niceness: int
) -> FloodRun:
    idle, _, _ = asyncio.run(probe_and_flood(url, headers, PROBE_RATE, duration, warmup, 0))
    # The flood's warm-up is longer: its waiting line fills and the hash workers start.
    probe, flood, seconds = asyncio.run(
        probe_and_flood(url, headers, PROBE_RATE, duration, max(warmup, 3.0), FLOODERS)
    )
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        raw = pool.apply(raw_verify_rate, (PROFILE, duration, niceness))
    return FloodRun(
        idle_p99_ms=idle.p99_ms(),
        flood_p99_ms=probe.p99_ms(),
        logins_per_second=flood.statuses[401] / seconds,
        raw_per_second=raw,
        refused=flood.statuses[429] + flood.statuses[503],
        errors=idle.errors + probe.errors + flood.errors,
    )


def section(results: dict[str, FloodRun], duration: float, rounds: int) -> str:
    lines = [
        HEADING,
        "",
        f"An authenticated `GET /todos/{{id}}` ({PROBE_RATE:g}/s, one kept-alive connection;"
        " latency from each request's sending) on SQLite, alone (idle) and while"
        f" {FLOODERS} connections post wrong passwords to `POST /login` as fast as they are"
        " answered, each for a new username (an unknown user costs a full argon2 verify and"
        f" no throttle key repeats), {duration:g} s each; the logins still in flight at the"
        f" end are waited for. Raw: argon2 ({PROFILE}) verifying one hash in a tight loop in"
        " a process of its own, no server, right after, at the priority of the target's"
        f" hashes (nice +{NICENESS} for the workers, 0 for threads), so that other work on"
        " the machine slows both alike. Logins = 401 answers a second in the window."
        f" Targets: p99 under the flood at most {P99_LIMIT:g}x idle, logins at least"
        f" {RATE_FLOOR:.0%} of raw. Two servers: the hash in worker processes of lower"
        " priority (the default, adapters/security/accounts/argon2_processes.py) and in"
        " threads as before. The"
        f" round nearest its limits of {rounds} kept per target.",
        "",
        "| target | idle p99 ms | p99 under flood ms | ratio | logins/s under flood "
        "| raw verifies/s | ratio | refused | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, run in results.items():
        lines.append(
            f"| {name} | {run.idle_p99_ms:.2f} | {run.flood_p99_ms:.2f} | {run.p99_ratio:.1f}x"
            f" | {run.logins_per_second:.1f} | {run.raw_per_second:.1f} | {run.rate_ratio:.0%}"
            f" | {run.refused} | {run.errors} |"
        )
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Put this section in the report in place of its last one, or before the chat's
    (which `--only chat` rewrites with all that follows it), keeping the rest."""
    existing = path.read_text() if path.exists() else ""
    before, found, after = existing.partition(f"\n{HEADING}\n")
    if found:
        rest = after.partition("\n## ")
        after = rest[1] + rest[2] if rest[1] else ""
    else:
        before, chat, after = existing.partition("\n## Chat\n")
        after = chat + after
    before = before.rstrip("\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((before + "\n\n" if before else "") + text + after)


def main(duration: float, warmup: float, repeat: int, output: Path) -> None:
    rounds = min(repeat, 2)
    load_before = os.getloadavg()[0]
    results = measure(duration, warmup, rounds)
    text = section(results, duration, rounds)
    # Niced hashes yield to any other work on the machine, not only to the server's.
    text += (
        f"\nLoad average (1 min) on {os.cpu_count()} cores: {load_before:.1f} at the start,"
        f" {os.getloadavg()[0]:.1f} at the end.\n"
    )
    write_section(output, text)
    print(f"wrote the login flood section of {output}")
