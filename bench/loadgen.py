"""Load generators: wrk when installed, otherwise a keep-alive asyncio client (no deps)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx responses and socket errors


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""
    # When given, requests cycle through these bodies instead (e.g. one product each).
    bodies: tuple[bytes, ...] = ()


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


def _run_wrk(request: Request, connections: int, seconds: float) -> Result:
    headers = "\n".join(f"wrk.headers[{k!r}] = {v!r}" for k, v in request.headers.items())
    lua = _LUA.format(method=request.method, body=request.body.decode(), headers=headers)
    if request.bodies:
        listed = ", ".join(repr(body.decode()) for body in request.bodies)
        lua += _LUA_BODIES.format(bodies=listed)
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
    raws = [
        ("\r\n".join([*head, f"Content-Length: {len(body)}"]) + "\r\n\r\n").encode() + body
        for body in (request.bodies or (request.body,))
    ]
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = 0

    async def connection(first: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        sent = first
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(raws[sent % len(raws)])
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
