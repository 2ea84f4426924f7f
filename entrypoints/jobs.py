"""The job runner: while the server runs, every registered job (entrypoints/container.py,
each context container's `jobs`) runs now and then — unpaid orders past their time expire,
idempotency keys older than 24 h are forgotten.

Every worker process runs its own; the jobs lock what they change and check it again, so
runners racing each other (or a buyer cancelling) do each thing once. The pause is drawn
from 30-60 s each time, so workers started together do not run in lockstep. `caseworks
jobs run` runs every job once.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Callable, Mapping

from application.shared.jobs import Job
from entrypoints.background import repeating

log = logging.getLogger("caseworks.jobs")

PAUSE_SECONDS = (30.0, 60.0)

# Job factories by name ("shop.expire_orders"): each call makes a fresh job.
Jobs = Mapping[str, Callable[[], Job]]


def registered(jobs_by_context: Mapping[str, Mapping[str, Callable[[], Job]]]) -> Jobs:
    """The containers' `jobs`, by context, as one mapping of qualified names."""
    return {
        f"{context}.{name}": factory
        for context, jobs in jobs_by_context.items()
        for name, factory in jobs.items()
    }


async def run_once(jobs: Jobs) -> dict[str, int]:
    """Every job, one pass each; a job that fails is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, job in jobs.items():
        try:
            done[name] = await job().execute()
        except Exception:
            # The database may be down for a while: log, and try again next time.
            log.exception("job failed", extra={"job": name})
    return done


async def _run_and_report(jobs: Jobs) -> None:
    done = await run_once(jobs)
    if any(done.values()):
        log.info("jobs ran", extra={"done": done})


def running_jobs(jobs: Jobs) -> contextlib.AbstractAsyncContextManager[None]:
    """For the app's lifespan: runs the jobs in the background until the server stops."""
    return repeating(
        "caseworks-jobs",
        lambda: random.uniform(*PAUSE_SECONDS),  # noqa: S311 (jitter, not a secret)
        lambda: _run_and_report(jobs),
    )
