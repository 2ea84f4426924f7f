"""`caseworks serve | db upgrade | create-admin USERNAME | jobs run [NAME...]`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys

from application.accounts.dto import RegisterCommand, UserView
from domain.shared.errors import DomainError
from domain.shared.roles import Role
from entrypoints.container import (
    build_container,
    close_resources,
    jobs_by_context,
    migrate_database,
)
from entrypoints.http.server import (
    BoundedHttpToolsProtocol,
    RequestTimeouts,
    ServerConfig,
    serve,
)
from entrypoints.jobs import registered, run_once
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import ConfigurationError, Settings, resolve_secret_key
from entrypoints.ws.chat.frames import MAX_FRAME_BYTES
from entrypoints.ws.protocol import StallProofWebSocketProtocol

log = logging.getLogger("caseworks.cli")
# How long a worker may take to start (import the app) or to answer while running.
WORKER_HEALTHCHECK_SECONDS = 30


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level)
    try:
        return int(args.handler(args, settings) or 0)
    except ConfigurationError as exc:
        log.error("configuration error: %s", exc)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caseworks", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database schema").add_subparsers(required=True)
    db.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_db_upgrade)

    admin = commands.add_parser("create-admin", help="create an administrator account")
    admin.add_argument("username")
    admin.set_defaults(handler=_create_admin)

    jobs = commands.add_parser("jobs", help="housekeeping jobs").add_subparsers(required=True)
    run = jobs.add_parser(
        "run", help="run the jobs once now, e.g. shop.expire_orders (the server runs them too)"
    )
    run.add_argument("names", nargs="*", metavar="NAME", help="only these jobs (default: all)")
    run.set_defaults(handler=_run_jobs)
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if settings.storage == "memory" and args.workers > 1:
        log.error("CASEWORKS_STORAGE=memory lives in one process: use --workers 1")
        return 2
    resolve_secret_key(settings)  # fail fast, and make the development key once for all workers
    if settings.uses_embedded_database:
        asyncio.run(_migrate(settings))
    config = ServerConfig(
        "entrypoints.http.asgi:create",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # uvicorn kills a worker that does not answer its health check within this; its 5 s
        # default is less than importing the app takes on a busy 2-core host (~10 s seen),
        # and `--workers N` then restarted its workers for ever without serving.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_config=None,  # keep our JSON logging
        access_log=False,  # ours never logs query strings
        # X-Forwarded-For/-Proto are believed only from the proxies named in settings: a
        # client otherwise picks its own address, and with it a fresh login throttle key.
        # The explicit list, even empty, stops uvicorn reading FORWARDED_ALLOW_IPS.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
        server_header=False,  # do not advertise the server software
        # llhttp has no header size limit: ours refuses big heads (431); h11 gets the same.
        http=BoundedHttpToolsProtocol,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        # A half-sent request is closed (408) instead of holding its connection for ever.
        # WebSockets: uvicorn's own protocol, but a peer that reads nothing is let go.
        ws=StallProofWebSocketProtocol,
        # WebSocket frames: none larger than the chat accepts (uvicorn's default, 16 MiB,
        # would be read whole into memory before the chat refused it with 1009 anyway).
        ws_max_size=MAX_FRAME_BYTES,
        # Heartbeats: a peer that answers no ping within the interval is closed.
        ws_ping_interval=settings.ws_ping_seconds,
        ws_ping_timeout=settings.ws_ping_seconds,
        request_timeouts=RequestTimeouts(
            head=settings.request_head_timeout_seconds,
            body_idle=settings.request_body_idle_timeout_seconds,
        ),
    )
    return serve(config)


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    if settings.storage != "sql":
        log.error("CASEWORKS_STORAGE=memory has no schema to upgrade")
        return 2
    asyncio.run(_migrate(settings))
    return 0


async def _migrate(settings: Settings) -> None:
    database = await migrate_database(settings.database_url)
    log.info("database schema is up to date", extra={"database": database})


def _create_admin(args: argparse.Namespace, settings: Settings) -> int:
    if settings.storage != "sql":
        log.error("an admin in CASEWORKS_STORAGE=memory would vanish with this process")
        return 2
    password = _read_password()
    if settings.uses_embedded_database:
        asyncio.run(_migrate(settings))
    try:
        user = asyncio.run(_register_admin(settings, args.username, password))
    except DomainError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    print(f"created admin {user.username} ({user.id})")
    return 0


async def _register_admin(settings: Settings, username: str, password: str) -> UserView:
    container = build_container(settings)
    try:
        command = RegisterCommand(username, password, role=Role.ADMIN)
        return await container.accounts().register_user().execute(command)
    finally:
        await close_resources(container)


def _run_jobs(args: argparse.Namespace, settings: Settings) -> int:
    if settings.storage != "sql":
        log.error("CASEWORKS_STORAGE=memory: this process would see its own empty store")
        return 2
    if settings.uses_embedded_database:
        asyncio.run(_migrate(settings))
    outcome = asyncio.run(_run_jobs_once(settings, args.names))
    if outcome is None:
        return 2
    chosen, done = outcome
    for name, count in done.items():
        print(f"{name}: {count}")
    return 0 if len(done) == chosen else 1  # a failed job is logged by the runner


async def _run_jobs_once(settings: Settings, names: list[str]) -> tuple[int, dict[str, int]] | None:
    """The server's pass over its jobs, once: how many ran and what those that succeeded
    did; None when a name is unknown."""
    container = build_container(settings)
    try:
        jobs = registered(jobs_by_context(container))
        unknown = sorted(set(names) - set(jobs))
        if unknown:
            log.error("unknown jobs: %s (known: %s)", ", ".join(unknown), ", ".join(jobs))
            return None
        chosen = {name: jobs[name] for name in jobs if not names or name in names}
        return len(chosen), await run_once(chosen)
    finally:
        await close_resources(container)


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        raise SystemExit("error: the passwords differ")
    return password


if __name__ == "__main__":
    sys.exit(main())
