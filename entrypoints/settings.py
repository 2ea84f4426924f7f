"""Settings from CASEWORKS_* environment variables and an optional .env file."""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from entrypoints.cpus import usable_cpus

log = logging.getLogger(__name__)

MIN_SECRET_BYTES = 32
DEVELOPMENT_HOSTS = ["localhost", "127.0.0.1", "::1"]


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
    # Hashes at once in worker threads, when hash_workers is 0.
    hash_concurrency: int = Field(2, ge=1, le=64)
    # Password hashes run in this many worker processes that lower their own priority, so
    # a login flood cannot take the CPU of other requests (adapters/security/accounts/
    # argon2_processes.py); 0: in threads of the serving process, as tests and the CLI do.
    # Unset: the CPUs this process may use (affinity, cgroup quota) left after one for
    # serving, shared among `serve --workers` (min 1).
    hash_workers: int | None = Field(None, ge=0, le=64)
    # Password checks that may wait for a hash worker; more are refused at once (503).
    hash_max_waiting: int = Field(16, ge=0, le=10_000)
    # How far the hash workers lower their priority (a nice increment).
    hash_worker_nice: int = Field(10, ge=0, le=19)
    login_max_failures: int = Field(5, ge=1)
    login_window_seconds: int = Field(900, ge=1)
    login_account_max_failures: int = Field(20, ge=1)
    cors_origins: Annotated[list[str], NoDecode] = []
    # Absolute URLs (Location, `url`, Link) are built from this, never from the Host header.
    public_url: str | None = Field(None, pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$")
    # Requests for any other Host are refused (400); `*` allows any. Unset: the host of
    # public_url in production, local names in development.
    allowed_hosts: Annotated[list[str], NoDecode] = []
    # Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed; none by default.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    max_header_bytes: int = Field(32 * 1024, ge=4096, le=1024 * 1024)
    # A request's line + headers must arrive within this of the connection opening (or of
    # its first byte on a kept-alive connection), and a body may pause no longer than this.
    request_head_timeout_seconds: int = Field(10, ge=1, le=300)
    request_body_idle_timeout_seconds: int = Field(30, ge=1, le=3600)
    # The shop's one currency (ISO 4217), and how long an unpaid order holds its stock (its
    # deadline is set when it is placed: a change applies to new orders only).
    currency: str = Field("USD", pattern=r"^[A-Za-z]{3}$")
    order_expiry_minutes: int = Field(30, ge=1, le=7 * 24 * 60)
    # The first administrator, created at start-up when there is none yet (any storage).
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    admin_password_file: Path | None = None
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    db_pool_size: int = Field(10, ge=1, le=200)
    # What several servers share: the chat's bus and presence, the login throttle, the
    # known clients and the chat's rate limit. Unset: each within this one process.
    redis_url: str | None = Field(None, pattern=r"^rediss?://")
    # Put before every Redis key and channel of this app (apps sharing a Redis).
    redis_prefix: str = Field("caseworks:", max_length=64, pattern=r"^[A-Za-z0-9_.:-]*$")
    # How long a login or a chat post waits on Redis for its limits before falling back
    # to this process's own (adapters/redis/outage.py).
    redis_timeout_seconds: float = Field(1.0, gt=0, le=10)
    # A chat socket's outbound frames waiting to be sent; a reader further behind is closed
    # (1013) and catches up when it reconnects.
    chat_queue_frames: int = Field(256, ge=8, le=65536)
    # How often an open chat socket checks that its login session still stands.
    chat_session_check_seconds: float = Field(10.0, gt=0, le=300)
    # The server pings every open WebSocket this often, and closes one whose pong has not
    # come within as long again: a peer that vanished without a FIN holds nothing for ever.
    ws_ping_seconds: float = Field(20.0, gt=0, le=300)
    log_level: str = "INFO"
    access_log: bool = True
    # Prometheus metrics at /metrics ("off" removes the route), answered only to clients
    # of these addresses or networks ("*": any); others get a 404. Loopback by default: a
    # scraper on the same host (or in the same pod) works as shipped, while traffic rates
    # per route and business counts are not published to the internet by accident.
    metrics: bool = True
    metrics_allow: Annotated[list[str], NoDecode] = ["127.0.0.0/8", "::1"]

    @field_validator("cors_origins", "allowed_hosts", "trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("metrics_allow", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return [network.strip() for network in value.split(",") if network.strip()]
        return value

    @field_validator("metrics_allow")
    @classmethod
    def _check_networks(cls, value: list[str]) -> list[str]:
        # Refused at start, not at the first scrape: "10.0.0.0/33" is a typo to fix now.
        return [
            entry if entry == "*" else str(ipaddress.ip_network(entry, strict=False))
            for entry in value
        ]

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()

    @property
    def backend(self) -> Literal["memory", "sqlite", "postgresql"]:
        if self.storage == "memory":
            return "memory"
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"

    @property
    def uses_embedded_database(self) -> bool:
        return self.backend == "sqlite"


def resolve_hash_workers(settings: Settings, server_workers: int = 1) -> int:
    """CASEWORKS_HASH_WORKERS, or else the CPUs this process may use (entrypoints/cpus.py)
    left after one for serving, shared among the server's worker processes (each has a
    pool of its own), but at least one."""
    if settings.hash_workers is not None:
        return settings.hash_workers
    spare = usable_cpus() - 1
    return max(1, spare // max(1, server_workers))


def resolve_allowed_hosts(settings: Settings) -> list[str]:
    """The Host names served: as configured, else the public URL's, else (development
    only) local names. Production refuses to guess."""
    if settings.allowed_hosts:
        return [host.lower() for host in settings.allowed_hosts]
    if settings.public_url:
        return [(urlsplit(settings.public_url).hostname or "").lower()]
    if settings.env == "production":
        raise ConfigurationError(
            "set CASEWORKS_PUBLIC_URL (or CASEWORKS_ALLOWED_HOSTS) in production: absolute "
            "URLs and accepted Host headers must come from configuration"
        )
    return DEVELOPMENT_HOSTS


def resolve_admin_password(settings: Settings) -> str | None:
    """The first admin's password, from CASEWORKS_ADMIN_PASSWORD or _PASSWORD_FILE."""
    given = [settings.admin_password is not None, settings.admin_password_file is not None]
    if settings.admin_username is None:
        if any(given):
            raise ConfigurationError("CASEWORKS_ADMIN_PASSWORD needs CASEWORKS_ADMIN_USERNAME")
        return None
    if given.count(True) != 1:
        raise ConfigurationError(
            "CASEWORKS_ADMIN_USERNAME needs exactly one of CASEWORKS_ADMIN_PASSWORD "
            "and CASEWORKS_ADMIN_PASSWORD_FILE"
        )
    if settings.admin_password is not None:
        return settings.admin_password.get_secret_value()
    assert settings.admin_password_file is not None
    try:
        text = settings.admin_password_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read CASEWORKS_ADMIN_PASSWORD_FILE: {exc}") from None
    return text.rstrip("\r\n")


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
