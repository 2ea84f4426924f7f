"""/metrics of `caseworks serve --workers 2`: each worker counts what it answered, and a
scrape, whichever worker answers it, adds up every worker's counts (prometheus-client's
multiprocess mode, in a directory the CLI makes for that run and removes after it)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import run_cli, running_server
from tests.http.metrics_helpers import parse, value

BATCH = 20
MAX_REQUESTS = 400


async def _live_requests(base_url: str) -> tuple[int, set[str]]:
    """Concurrent GET /health/live on fresh connections, until two workers have answered:
    how many were sent, and the workers seen (a request id starts with its process's prefix)."""
    sent, workers = 0, set[str]()
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, limits=no_reuse, timeout=10) as client:
        while len(workers) < 2 and sent < MAX_REQUESTS:
            answers = await asyncio.gather(*(client.get("/health/live") for _ in range(BATCH)))
            sent += BATCH
            assert {a.status_code for a in answers} == {200}
            workers |= {a.headers["x-request-id"][:12] for a in answers}
    return sent, workers


def _scrape(base_url: str, labels: dict[str, str]) -> tuple[float, float]:
    """The requests counted with these labels: by the counter, by the histogram."""
    response = httpx.get(f"{base_url}/metrics", timeout=10)
    assert response.status_code == 200
    samples = parse(response.text)
    histogram = "caseworks_http_request_duration_seconds_count"
    return value(samples, "caseworks_http_requests_total", **labels), value(
        samples, histogram, **labels
    )


def test_counts_add_up_across_workers(tmp_path: Path, server_env: dict[str, str]) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**server_env, "TMPDIR": str(temp), "CASEWORKS_LOG_LEVEL": "INFO"}
    with running_server(env, tmp_path, "--workers", "2", startup_timeout=60) as server:
        [directory] = temp.glob("caseworks-metrics-*")  # made by the CLI for this run
        sent, workers = asyncio.run(_live_requests(server.base_url))
        assert len(workers) == 2, "one worker answered everything: nothing to add up"
        # Each worker hands its tallies over every second: within a few, every request
        # is counted once, whichever worker answers the scrape.
        live = {"method": "GET", "route": "/health/live", "status": "200"}
        counted = [_scrape(server.base_url, live)]
        deadline = time.monotonic() + 10
        while counted[-1] != (sent, sent) and time.monotonic() < deadline:
            time.sleep(0.2)
            counted.append(_scrape(server.base_url, live))
        assert all(requests <= sent for requests, _ in counted), counted
        for _ in range(3):
            assert _scrape(server.base_url, live) == (sent, sent)
        assert any(directory.glob("counter_*.db"))  # one file per worker
    assert not directory.exists()  # removed when the server stopped


def test_serve_refuses_an_inherited_multiprocess_directory(tmp_path: Path) -> None:
    env = {**os.environ, "CASEWORKS_SECRET_KEY": "k" * 40}
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path)
    result = run_cli(["serve", "--workers", "2"], env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "PROMETHEUS_MULTIPROC_DIR" in result.stderr
