"""An ASGI app that forwards to one built later (a module of its own, see DeferredApp)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class DeferredApp:
    """Forwards to `target`, the app a fixture builds once the test runs.

    Schemathesis' pytest integration wants its schema, and the app to send requests to, at
    import time (its lazy `schemathesis.pytest.from_fixture` fails on pytest 9.2: it sets
    `Node._nodeid`), while the app under test needs fixtures (the migrated SQLite template,
    a temporary directory).

    Kept alone in this module on purpose: Schemathesis harvests string literals from the
    module of the app it is given and uses them as test data. From the harness's module it
    would take the test accounts' usernames, and failed logins with them would lock the
    harness out (the login throttle).
    """

    def __init__(self) -> None:
        self.target: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.target is None:
            raise RuntimeError("no app to forward to (is the fixture used?)")
        await self.target(scope, receive, send)
