"""Load generators: wrk when installed, otherwise a keep-alive asyncio client (no deps)."""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx responses and socket errors


SLOT_SECONDS = 15 * 60
SLOTS_PER_DAY = 92  # 00:00 to 23:00 UTC: none crosses the end of an all-day interval
RUN_DAYS = 2000  # each run's own stretch of days: room for ~184,000 bookings
FIRST_DAY = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())
_stretches = itertools.count()  # shared by every Bookings: a clinician is in several


@dataclass(eq=False)
class Bookings:
    """`POST /appointments` bodies made per request: the n-th is for clinician
    n % len(clinicians) and patient n % len(patients), in that clinician's slot
    n // len(clinicians) (15 minutes each, back to back), so no two requests of a run
    overlap for a clinician or (as len(patients) is a multiple of len(clinicians)) a
    patient. Each run (warm-up included) of any Bookings starts a fresh stretch of days far
    in the future, as the earlier runs' bookings stay."""

    clinicians: tuple[str, ...]
    patients: tuple[str, ...]

    def __post_init__(self) -> None:
        assert len(self.patients) % len(self.clinicians) == 0

    def next_run(self) -> int:
        """The first instant (epoch seconds) of the next run's days."""
        return FIRST_DAY + next(_stretches) * RUN_DAYS * 86400

    def body(self, first: int, n: int) -> bytes:
        clinician_id = self.clinicians[n % len(self.clinicians)]
        patient_id = self.patients[n % len(self.patients)]
        slot = n // len(self.clinicians)
        start = first + slot // SLOTS_PER_DAY * 86400 + slot % SLOTS_PER_DAY * SLOT_SECONDS
        return (
            f'{{"patient_id":"{patient_id}","clinician_id":"{clinician_id}",'
            f'"start":"{_iso(start)}","end":"{_iso(start + SLOT_SECONDS)}"}}'
        ).encode()


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""
    # When given, requests cycle through these bodies instead (e.g. one product each).
    bodies: tuple[bytes, ...] = ()
    # When given, every request's body is a new booking instead.
    bookings: Bookings | None = None


def generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "python-asyncio"


def run(request: Request, connections: int, seconds: float) -> Result:
    if shutil.which("wrk"):
        return _run_wrk(request, connections, seconds)
    return asyncio.run(_run_python(request, connections, seconds))


# --- wrk ---------------------------------------------------------------------------------

_LUA = """
wrk.method = {method!r}
wrk.body = {body!r}
{headers}
"""

# Cycles through bodies; each wrk thread keeps its own counter.
_LUA_BODIES = """
local bodies = {{{bodies}}}
local n = 0
request = function()
  n = n % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
"""


# The same bodies as Bookings.body, from one counter (wrk runs with one thread).
_LUA_BOOKINGS = """
local clinicians = {{{clinicians}}}
local patients = {{{patients}}}
local first = {first}
local n = 0
local function iso(t)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", t)
end
request = function()
  local clinician = clinicians[n % #clinicians + 1]
  local patient = patients[n % #patients + 1]
  local slot = math.floor(n / #clinicians)
  local start = first + math.floor(slot / {per_day}) * 86400 + (slot % {per_day}) * {length}
  n = n + 1
  local body = '{{"patient_id":"' .. patient .. '","clinician_id":"' .. clinician
    .. '","start":"' .. iso(start) .. '","end":"' .. iso(start + {length}) .. '"}}'
  return wrk.format(nil, nil, nil, body)
end
"""


def _run_wrk(request: Request, connections: int, seconds: float) -> Result:
    headers = "\n".join(f"wrk.headers[{k!r}] = {v!r}" for k, v in request.headers.items())
    lua = _LUA.format(method=request.method, body=request.body.decode(), headers=headers)
    if request.bodies:
        listed = ", ".join(repr(body.decode()) for body in request.bodies)
        lua += _LUA_BODIES.format(bodies=listed)
    if request.bookings:
        lua += _LUA_BOOKINGS.format(
            clinicians=", ".join(map(repr, request.bookings.clinicians)),
            patients=", ".join(map(repr, request.bookings.patients)),
            first=request.bookings.next_run(),
            per_day=SLOTS_PER_DAY,
            length=SLOT_SECONDS,
        )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)  # Python reprs are valid Lua string literals here
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--latency",
                "-s",
                script.name,
                request.url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 30,
        ).stdout
    finally:
        Path(script.name).unlink()
    rps_match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rps_match is not None, out
    rps = float(rps_match.group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Result(rps, _wrk_latency(out, "50%"), _wrk_latency(out, "99%"), errors)


def _wrk_latency(out: str, percentile: str) -> float:
    match = re.search(rf"\s{re.escape(percentile)}\s+([\d.]+)(us|ms|s)", out)
    assert match is not None, out
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


# --- python fallback -----------------------------------------------------------------------


async def _run_python(request: Request, connections: int, seconds: float) -> Result:
    url = urlsplit(request.url)
    path = url.path + (f"?{url.query}" if url.query else "")
    head = [f"{request.method} {path} HTTP/1.1", f"Host: {url.netloc}"]
    head += [f"{k}: {v}" for k, v in request.headers.items()]

    def raw(body: bytes) -> bytes:
        return ("\r\n".join([*head, f"Content-Length: {len(body)}"]) + "\r\n\r\n").encode() + body

    raws = [raw(body) for body in (request.bodies or (request.body,))]
    bookings = request.bookings
    first = bookings.next_run() if bookings else 0
    booked = 0  # one counter for all connections, as wrk's one thread has
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = 0

    def next_request(sent: int) -> bytes:
        nonlocal booked
        if bookings is None:
            return raws[sent % len(raws)]
        booked += 1
        return raw(bookings.body(first, booked - 1))

    async def connection(first: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        sent = first
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(next_request(sent))
                sent += 1
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                if not status_line.split()[1].startswith(b"2"):
                    errors += 1
        except (OSError, asyncio.IncompleteReadError, IndexError):
            errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection(index * 7) for index in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0
        )

    return Result(len(latencies) / elapsed, percentile(0.50), percentile(0.99), errors)
