from __future__ import annotations

import logging
from typing import Literal

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from application.shared.ports import ReadinessProbe
from entrypoints.http.problems import problem_response
from entrypoints.http.routing import public_router

router = public_router(prefix="/health", tags=["health"])
log = logging.getLogger("caseworks.health")


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/live")
async def live() -> Health:
    return Health()


@router.get(
    "/ready",
    response_model=Health,
    responses={
        503: {"description": "The database (or, with CASEWORKS_REDIS_URL, Redis) cannot be reached"}
    },
)
async def ready(request: Request) -> Health | JSONResponse:
    try:
        probe: ReadinessProbe = request.app.state.container.readiness()
        await probe.check()
    except Exception as exc:
        # One line, no traceback: a probe polled every few seconds through an outage
        # would otherwise bury the log in identical tracebacks.
        log.warning("readiness check failed: %s", _one_line(exc))
        return problem_response(503, "not_ready", "the database or the chat bus cannot be reached")
    return Health()


def _one_line(error: BaseException) -> str:
    message = " ".join(str(error).split())[:300]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
