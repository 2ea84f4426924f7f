"""The ASGI factory uvicorn imports in each worker process."""

from __future__ import annotations

from fastapi import FastAPI

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import Settings


def create() -> FastAPI:
    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(build_container(settings))
