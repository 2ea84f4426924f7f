"""The composition root: the only module that names concrete adapters."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from typing import Any

from dependency_injector import containers, providers
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.clock import SystemClock
from adapters.memory.payments import InMemoryPaymentGateway
from adapters.memory.readiness import InMemoryReadinessProbe
from adapters.memory.store import MemoryStore
from adapters.memory.throttle import InMemoryKnownClients, InMemoryLoginThrottle
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.security.argon2_hasher import Argon2PasswordHasher
from adapters.security.common_passwords import FileCommonPasswords
from adapters.security.jwt_tokens import PyJwtTokenService
from adapters.sql.engine import create_engine
from adapters.sql.migrate import upgrade
from adapters.sql.postgres_reads import PostgresReadTransactions
from adapters.sql.readiness import SqlReadinessProbe
from adapters.sql.sqlite_reads import (
    SqliteInlineReads,
    SqliteReadinessProbe,
    create_sqlite_reader,
)
from adapters.sql.uow import SqlUnitOfWork
from application.accounts.policies import LoginLimits, SessionPolicy
from application.accounts.use_cases import (
    Authenticate,
    ChangePassword,
    CreateFirstAdmin,
    GetCurrentUser,
    GetUser,
    ListUsers,
    Login,
    Logout,
    RefreshTokens,
    RegisterUser,
)
from application.shop.use_cases import (
    AdjustStock,
    CancelOrder,
    ChangeProduct,
    CreateProduct,
    DeactivateProduct,
    DeliverOrder,
    ExpireOrders,
    ForgetIdempotencyKeys,
    GetOrder,
    GetProduct,
    ListOrders,
    ListProducts,
    PayOrder,
    PlaceOrder,
    ShipOrder,
)
from application.todos.use_cases import (
    ChangeTodo,
    CreateTodo,
    DeleteAllTodos,
    DeleteTodo,
    GetTodo,
    ListTodos,
)
from domain.shared.errors import DomainError
from domain.shop.money import Currency
from entrypoints.settings import (
    ConfigurationError,
    Settings,
    resolve_admin_password,
    resolve_allowed_hosts,
    resolve_secret_key,
)

log = logging.getLogger("caseworks.container")


def _closing_engine(
    resources: AsyncExitStack[bool | None], url: str, pool_size: int, autocommit: bool = False
) -> AsyncEngine:
    engine = create_engine(url, pool_size, autocommit)
    resources.push_async_callback(engine.dispose)
    return engine


def _closing_sqlite_reader(resources: AsyncExitStack, url: str) -> Engine:
    reader = create_sqlite_reader(url)
    resources.callback(reader.dispose)
    return reader


class Container(containers.DeclarativeContainer):
    config = providers.Configuration(strict=True)

    clock = providers.Singleton(SystemClock)

    # What holds pools or files registers its closing here when it is made; the app's
    # lifespan (and every other user of a container) releases them all with
    # close_resources(): one mechanism, whatever the backend.
    resources = providers.Singleton[AsyncExitStack[bool | None]](AsyncExitStack)

    # Storage, chosen by `backend` (CASEWORKS_STORAGE and the database URL): memory,
    # sqlite or postgresql. A new unit of work for every use-case call; each use case
    # says whether it reads or writes.
    memory_store = providers.Singleton(MemoryStore)
    engine = providers.Singleton(
        _closing_engine, resources, config.database_url, config.db_pool_size
    )
    # SQLite reads run inline on the loop (adapters/sql/sqlite_reads.py); writes queue on
    # this process's gate before BEGIN IMMEDIATE.
    sqlite_reader = providers.Singleton(_closing_sqlite_reader, resources, config.database_url)
    sqlite_write_gate = providers.Singleton(asyncio.Lock)
    # PostgreSQL reads have a pool of their own (adapters/sql/postgres_reads.py).
    read_engine = providers.Singleton(
        _closing_engine, resources, config.database_url, config.db_pool_size, True
    )
    uow = providers.Selector(
        config.backend,
        memory=providers.Factory(InMemoryUnitOfWork, memory_store),
        sqlite=providers.Factory(
            SqlUnitOfWork,
            engine,
            providers.Singleton(SqliteInlineReads, sqlite_reader),
            write_gate=sqlite_write_gate,
        ),
        postgresql=providers.Factory(
            SqlUnitOfWork,
            engine,
            providers.Singleton(PostgresReadTransactions, read_engine),
        ),
    )
    readiness = providers.Selector(
        config.backend,
        memory=providers.Singleton(InMemoryReadinessProbe),
        sqlite=providers.Singleton(SqliteReadinessProbe, sqlite_reader),
        postgresql=providers.Singleton(SqlReadinessProbe, engine),
    )

    # Security adapters hold keys, limiters and counters: one per process.
    hasher = providers.Singleton(
        Argon2PasswordHasher, config.argon2_profile, config.hash_concurrency
    )
    common_passwords = providers.Singleton(FileCommonPasswords)
    tokens = providers.Singleton(
        PyJwtTokenService,
        secret_key=config.secret_key,
        clock=clock,
        issuer=config.jwt_issuer,
        audience=config.jwt_audience,
        access_token_minutes=config.access_token_minutes,
    )
    login_throttle = providers.Singleton(
        InMemoryLoginThrottle, clock, config.login_max_failures, config.login_window_seconds
    )
    account_throttle = providers.Singleton(
        InMemoryLoginThrottle,
        clock,
        config.login_account_max_failures,
        config.login_window_seconds,
    )
    known_clients = providers.Singleton(InMemoryKnownClients, clock, config.refresh_token_days)
    login_limits = providers.Singleton(LoginLimits, login_throttle, account_throttle, known_clients)
    session_policy = providers.Singleton(SessionPolicy, config.refresh_token_days)

    # Accounts
    register_user = providers.Factory(RegisterUser, uow, hasher, common_passwords, clock)
    create_first_admin = providers.Factory(CreateFirstAdmin, uow, register_user)
    login = providers.Factory(Login, uow, hasher, tokens, login_limits, clock, session_policy)
    authenticate = providers.Factory(Authenticate, uow, tokens, clock)
    refresh_tokens = providers.Factory(RefreshTokens, uow, tokens, clock)
    logout = providers.Factory(Logout, uow, clock)
    get_current_user = providers.Factory(GetCurrentUser, uow)
    get_user = providers.Factory(GetUser, uow)
    list_users = providers.Factory(ListUsers, uow)
    change_password = providers.Factory(
        ChangePassword, uow, hasher, common_passwords, login_throttle, clock
    )

    # Todos
    create_todo = providers.Factory(CreateTodo, uow, clock)
    get_todo = providers.Factory(GetTodo, uow)
    change_todo = providers.Factory(ChangeTodo, uow, clock)
    delete_todo = providers.Factory(DeleteTodo, uow)
    delete_all_todos = providers.Factory(DeleteAllTodos, uow)
    list_todos = providers.Factory(ListTodos, uow)

    # Shop: one currency per shop; paying stands in for a payment provider.
    currency = providers.Singleton(Currency.of, config.currency)
    payments = providers.Singleton(InMemoryPaymentGateway)
    create_product = providers.Factory(CreateProduct, uow, clock, currency)
    change_product = providers.Factory(ChangeProduct, uow, clock, currency)
    adjust_stock = providers.Factory(AdjustStock, uow, clock)
    deactivate_product = providers.Factory(DeactivateProduct, uow, clock)
    get_product = providers.Factory(GetProduct, uow)
    list_products = providers.Factory(ListProducts, uow)
    place_order = providers.Factory(
        PlaceOrder, uow, clock, currency, expiry_minutes=config.order_expiry_minutes
    )
    pay_order = providers.Factory(PayOrder, uow, clock, payments)
    ship_order = providers.Factory(ShipOrder, uow, clock)
    deliver_order = providers.Factory(DeliverOrder, uow, clock)
    cancel_order = providers.Factory(CancelOrder, uow, clock, payments)
    expire_orders = providers.Factory(ExpireOrders, uow, clock)
    forget_idempotency_keys = providers.Factory(ForgetIdempotencyKeys, uow, clock)
    get_order = providers.Factory(GetOrder, uow)
    list_orders = providers.Factory(ListOrders, uow)


def build_container(settings: Settings, **overrides: Any) -> Container:
    """A container configured from settings; `overrides` replace single config values."""
    container = Container()
    secrets = {"secret_key", "admin_password", "admin_password_file"}
    values = settings.model_dump(mode="json", exclude=secrets)
    values["secret_key"] = resolve_secret_key(settings)
    values["admin_password"] = resolve_admin_password(settings)
    values["backend"] = settings.backend
    values["allowed_hosts"] = resolve_allowed_hosts(settings)
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
        user = await container.create_first_admin().execute(username, password)
    except DomainError as exc:
        raise ConfigurationError(f"cannot create the admin {username!r}: {exc.detail}") from None
    if user is not None:
        log.info("created the first admin", extra={"username": user.username})


async def migrate_database(database_url: str) -> None:
    """Apply every Alembic migration (the CLI's `db upgrade`, and `serve` on SQLite)."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
