from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from application.shared.ports import ReadinessProbe
from entrypoints.http.deps import provided
from entrypoints.http.problems import problem_response

router = APIRouter(prefix="/health", tags=["health"])
log = logging.getLogger("caseworks.health")


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/live")
async def live() -> Health:
    return Health()


@router.get("/ready", responses={503: {"description": "The database cannot be reached"}})
async def ready(
    probe: Annotated[ReadinessProbe, Depends(provided("readiness"))],
) -> Health:
    try:
        await probe.check()
    except Exception:
        log.warning("readiness check failed", exc_info=True)
        return problem_response(503, "not_ready", "the database cannot be reached")  # type: ignore[return-value]
    return Health()
