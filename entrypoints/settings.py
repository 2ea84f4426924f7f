"""Settings from CASEWORKS_* environment variables and an optional .env file."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)

MIN_SECRET_BYTES = 32


class ConfigurationError(RuntimeError):
    """The app must not start with this configuration."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEWORKS_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./caseworks.db"
    storage: Literal["sql", "memory"] = "sql"
    secret_key: SecretStr | None = None
    secret_key_file: Path = Path(".caseworks-secret")
    jwt_issuer: str = "caseworks"
    jwt_audience: str = "caseworks-api"
    access_token_minutes: int = Field(15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(14, ge=1, le=365)
    argon2_profile: Literal["RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY", "CHEAPEST"] = (
        "RFC_9106_LOW_MEMORY"
    )
    hash_concurrency: int = Field(2, ge=1, le=64)
    login_max_failures: int = Field(5, ge=1)
    login_window_seconds: int = Field(900, ge=1)
    cors_origins: Annotated[list[str], NoDecode] = []
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    db_pool_size: int = Field(10, ge=1, le=200)
    log_level: str = "INFO"
    access_log: bool = True

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def backend(self) -> Literal["memory", "sqlite", "postgresql"]:
        if self.storage == "memory":
            return "memory"
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"

    @property
    def uses_embedded_database(self) -> bool:
        return self.backend == "sqlite"


def resolve_secret_key(settings: Settings) -> str:
    """The signing key: required in production, generated once and kept in development."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        if len(key.encode()) < MIN_SECRET_BYTES:
            raise ConfigurationError(
                f"CASEWORKS_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes"
            )
        return key
    if settings.env == "production":
        raise ConfigurationError(
            "CASEWORKS_SECRET_KEY is required in production "
            f"(at least {MIN_SECRET_BYTES} bytes, e.g. from `python -c "
            "'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    return _development_secret(settings.secret_key_file)


def _development_secret(path: Path) -> str:
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key.encode()) >= MIN_SECRET_BYTES:
            log.info("development mode: using the secret key kept in %s", path.resolve())
            return key
    key = secrets.token_urlsafe(48)
    # Created owner-only from the start, so the key is never readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    log.warning(
        "development mode: generated a secret key and kept it in %s "
        "(set CASEWORKS_SECRET_KEY in production)",
        path.resolve(),
    )
    return key
