"""The composition root: with entrypoints/resources.py (what it opens and closes), the only
modules that name concrete adapters."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.clock import SystemClock
from adapters.memory.accounts.uow import InMemoryAccountsUnitOfWork
from adapters.memory.chat.uow import InMemoryChatUnitOfWork
from adapters.memory.clinic.uow import InMemoryClinicUnitOfWork
from adapters.memory.idempotency import InMemoryIdempotencyUnitOfWork
from adapters.memory.readiness import InMemoryReadinessProbe
from adapters.memory.shop.payments import InMemoryPaymentGateway
from adapters.memory.shop.uow import InMemoryShopUnitOfWork
from adapters.memory.store import MemoryStore
from adapters.memory.todos import InMemoryTodosUnitOfWork
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.readiness import AllReadinessProbes
from adapters.security.accounts.common_passwords import FileCommonPasswords
from adapters.security.accounts.jwt_tokens import PyJwtTokenService
from adapters.sql.accounts import SqlAccountsUnitOfWork
from adapters.sql.chat.uow import SqlChatUnitOfWork
from adapters.sql.clinic.uow import SqlClinicUnitOfWork
from adapters.sql.engine import create_engine
from adapters.sql.idempotency import SqlIdempotencyUnitOfWork
from adapters.sql.migrate import loggable_url, prepare_sqlite_directory, upgrade
from adapters.sql.postgres_reads import PostgresReadTransactions
from adapters.sql.readiness import SqlReadinessProbe
from adapters.sql.reads import RequestReads
from adapters.sql.shop.uow import SqlShopUnitOfWork
from adapters.sql.sqlite_reads import (
    SqliteInlineReads,
    SqliteReadinessProbe,
)
from adapters.sql.todos import SqlTodosUnitOfWork
from adapters.sql.uow import SqlUnitOfWork
from application.shared.idempotency import ForgetIdempotencyKeys
from application.shared.jobs import Job
from domain.shared.errors import DomainError
from domain.shop.money import Currency
from entrypoints.containers.accounts import AccountsContainer
from entrypoints.containers.chat import ChatContainer
from entrypoints.containers.clinic import ClinicContainer
from entrypoints.containers.shop import ShopContainer
from entrypoints.containers.todos import TodosContainer
from entrypoints.resources import (
    LimitSettings,
    business_events_from,
    closing_chat_fanout,
    closing_engine,
    closing_hasher,
    closing_limits,
    closing_sqlite_reader,
    prometheus_metrics,
)
from entrypoints.settings import (
    ConfigurationError,
    Settings,
    resolve_admin_password,
    resolve_allowed_hosts,
    resolve_hash_workers,
    resolve_secret_key,
)

log = logging.getLogger("caseworks.container")


@dataclass(frozen=True)
class _Storage:
    """The one pairing of engines, readers and write gates with units of work, for every
    context alike: `units_of_work(memory class, SQL class)` picks by the backend."""

    backend: providers.Provider[Any]
    memory_store: providers.Provider[MemoryStore]
    engine: providers.Provider[AsyncEngine]
    sqlite_reads: providers.Provider[SqliteInlineReads]
    sqlite_write_gate: providers.Provider[asyncio.Lock]
    postgres_reads: providers.Provider[PostgresReadTransactions]

    def units_of_work(
        self, memory: type[InMemoryUnitOfWork], sql: type[SqlUnitOfWork]
    ) -> providers.Selector[Any]:
        return providers.Selector(
            self.backend,
            memory=providers.Factory(memory, self.memory_store),
            sqlite=providers.Factory(
                sql, self.engine, self.sqlite_reads, write_gate=self.sqlite_write_gate
            ),
            postgresql=providers.Factory(sql, self.engine, self.postgres_reads),
        )


class Container(containers.DeclarativeContainer):
    config = providers.Configuration(strict=True)

    clock = providers.Singleton(SystemClock)

    # Prometheus metrics (CASEWORKS_METRICS), one registry per container; None when off.
    # The use cases count business events through the BusinessEvents port.
    metrics = providers.Singleton(prometheus_metrics, config.metrics)
    business_events = providers.Singleton(business_events_from, metrics)

    # What holds pools or files registers its closing here when it is made; the app's
    # lifespan (and every other user of a container) releases them all with
    # close_resources(): one mechanism, whatever the backend.
    resources = providers.Singleton[AsyncExitStack[bool | None]](AsyncExitStack)

    # Storage, chosen by `backend` (CASEWORKS_STORAGE and the database URL): memory,
    # sqlite or postgresql. A new unit of work for every use-case call; each use case
    # says whether it reads or writes.
    memory_store = providers.Singleton(MemoryStore)
    engine = providers.Singleton(
        closing_engine, resources, config.database_url, config.db_pool_size, metrics=metrics
    )
    # SQLite reads run inline on the loop (adapters/sql/sqlite_reads.py); writes queue on
    # this process's gate before BEGIN IMMEDIATE.
    sqlite_reader = providers.Singleton(
        closing_sqlite_reader, resources, config.database_url, metrics
    )
    sqlite_reads = providers.Singleton(SqliteInlineReads, sqlite_reader)
    sqlite_write_gate = providers.Singleton(asyncio.Lock)
    # PostgreSQL reads have a pool of their own (adapters/sql/postgres_reads.py).
    read_engine = providers.Singleton(
        closing_engine, resources, config.database_url, config.db_pool_size, True, metrics
    )
    postgres_reads = providers.Singleton(PostgresReadTransactions, read_engine)
    # The reads of one HTTP request share one read transaction (adapters/sql/reads.py).
    request_reads = providers.Selector(
        config.backend,
        memory=providers.Object(None),
        sqlite=providers.Singleton(RequestReads, sqlite_reads),
        postgresql=providers.Singleton(RequestReads, postgres_reads),
    )
    _storage = _Storage(
        config.backend, memory_store, engine, sqlite_reads, sqlite_write_gate, postgres_reads
    )
    storage_readiness = providers.Selector(
        config.backend,
        memory=providers.Singleton(InMemoryReadinessProbe),
        sqlite=providers.Singleton(SqliteReadinessProbe, sqlite_reader),
        postgresql=providers.Singleton(SqlReadinessProbe, engine),
    )

    # Accounts' security adapters hold keys, limiters and counters: one per process.
    hasher = providers.Singleton(
        closing_hasher,
        resources,
        config.argon2_profile,
        config.hash_concurrency,
        config.hash_workers,
        config.hash_max_waiting,
        config.hash_worker_nice,
    )
    tokens = providers.Singleton(
        PyJwtTokenService,
        secret_key=config.secret_key,
        clock=clock,
        issuer=config.jwt_issuer,
        audience=config.jwt_audience,
        access_token_minutes=config.access_token_minutes,
    )
    # The login throttles, the known clients and the chat's rate limit: one set per
    # process, shared through Redis when CASEWORKS_REDIS_URL is set (closing_limits).
    limits = providers.Singleton(
        closing_limits,
        resources,
        config.redis_url,
        clock,
        providers.Factory(
            LimitSettings,
            config.login_max_failures,
            config.login_account_max_failures,
            config.login_window_seconds,
            config.refresh_token_days,
        ),
        prefix=config.redis_prefix,
        secret=config.secret_key,
        timeout=config.redis_timeout_seconds,
    )

    # Each context on its own unit of work (the `_storage` pairing below).
    accounts = providers.Container(
        AccountsContainer,
        config=config,
        uow=_storage.units_of_work(InMemoryAccountsUnitOfWork, SqlAccountsUnitOfWork),
        clock=clock,
        hasher=hasher,
        common_passwords=providers.Singleton(FileCommonPasswords),
        tokens=tokens,
        login_throttle=limits.provided.login_throttle,
        account_throttle=limits.provided.account_throttle,
        known_clients=limits.provided.known_clients,
        events=business_events,
    )
    todos = providers.Container(
        TodosContainer,
        uow=_storage.units_of_work(InMemoryTodosUnitOfWork, SqlTodosUnitOfWork),
        clock=clock,
    )
    shop = providers.Container(
        ShopContainer,
        config=config,
        uow=_storage.units_of_work(InMemoryShopUnitOfWork, SqlShopUnitOfWork),
        clock=clock,
        # Paying stands in for a payment provider.
        payments=providers.Singleton(InMemoryPaymentGateway),
        events=business_events,
    )
    clinic = providers.Container(
        ClinicContainer,
        uow=_storage.units_of_work(InMemoryClinicUnitOfWork, SqlClinicUnitOfWork),
        clock=clock,
        events=business_events,
    )
    # The chat's fan-out: one bus and one presence registry per process, closed with the
    # resources; in-process when CASEWORKS_REDIS_URL is unset, else Redis (several servers).
    chat_fanout = providers.Singleton(
        closing_chat_fanout, resources, config.redis_url, clock, config.redis_prefix
    )
    chat = providers.Container(
        ChatContainer,
        uow=_storage.units_of_work(InMemoryChatUnitOfWork, SqlChatUnitOfWork),
        clock=clock,
        bus=chat_fanout.provided.bus,
        presence=chat_fanout.provided.presence,
        # 10 messages a second, bursts of 20, a user: on Redis, across every server.
        rate_limiter=limits.provided.chat_rate,
        events=business_events,
    )

    # Ready: the storage answers, and so does the chat's bus (when it is Redis: the bus
    # notices an outage by its own connection, which is the limits' Redis too).
    readiness = providers.Singleton(
        AllReadinessProbes, storage_readiness, chat_fanout.provided.readiness
    )

    # The shared kernel's own: the idempotency keys alone, and the job forgetting old ones.
    idempotency_uow = _storage.units_of_work(
        InMemoryIdempotencyUnitOfWork, SqlIdempotencyUnitOfWork
    )
    forget_idempotency_keys = providers.Factory(ForgetIdempotencyKeys, idempotency_uow, clock)


def context_containers(container: Container) -> dict[str, Any]:
    """Each context's container, by the name the app's container mounts it under: the app
    puts each on `app.state.<name>` for its routes, and runs each one's `jobs`."""
    return {
        name: provider()
        for name, provider in container.providers.items()
        if isinstance(provider, providers.Container)
    }


def jobs_by_context(container: Container) -> dict[str, Mapping[str, Callable[[], Job]]]:
    """Every context's jobs, and the shared kernel's own: the server's job runner and
    `caseworks jobs run` (entrypoints/jobs.py)."""
    jobs: dict[str, Mapping[str, Callable[[], Job]]] = {
        "shared": {"forget_idempotency_keys": container.forget_idempotency_keys}
    }
    for name, context in context_containers(container).items():
        jobs[name] = context.jobs()
    return jobs


def build_container(settings: Settings, **overrides: Any) -> Container:
    """A container configured from settings; `overrides` replace single config values."""
    container = Container()
    secrets = {"secret_key", "admin_password", "admin_password_file"}
    values = settings.model_dump(mode="json", exclude=secrets)
    values["secret_key"] = resolve_secret_key(settings)
    values["admin_password"] = resolve_admin_password(settings)
    values["backend"] = settings.backend
    values["allowed_hosts"] = resolve_allowed_hosts(settings)
    values["hash_workers"] = resolve_hash_workers(settings)
    try:
        Currency.of(settings.currency)
    except DomainError as exc:
        raise ConfigurationError(f"CASEWORKS_CURRENCY: {exc.detail}") from None
    values.update(overrides)
    container.config.from_dict(values)
    return container


async def close_resources(container: Container) -> None:
    """Release every pool and file this container opened (the app's lifespan calls this)."""
    await container.resources().aclose()


async def create_configured_admin(container: Container) -> None:
    """CASEWORKS_ADMIN_USERNAME/_PASSWORD: the first admin, on any storage (memory too),
    made at start-up when there is no admin yet. A password that breaks the rules stops
    the start, naming the rule."""
    username = container.config.admin_username()
    if username is None:
        return
    password = container.config.admin_password()
    try:
        user = await container.accounts().create_first_admin().execute(username, password)
    except DomainError as exc:
        raise ConfigurationError(f"cannot create the admin {username!r}: {exc.detail}") from None
    if user is not None:
        log.info("created the first admin", extra={"username": user.username})


async def migrate_database(database_url: str) -> str:
    """Apply every Alembic migration (the CLI's `db upgrade`, and `serve` on SQLite), making
    a SQLite file's directory first; the database's URL without its password, for logs."""
    prepare_sqlite_directory(database_url)
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    return loggable_url(database_url)
