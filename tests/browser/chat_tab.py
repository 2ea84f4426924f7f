"""One person's chat page in a browser context of its own, driven as a person would:
through the labels and roles the page shows (which also tests that it has them)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from tests.e2e.conftest import Server
from tests.e2e.test_docs_browser import TIMEOUT_MS

PASSWORD = "correct horse battery staple"
# Reconnecting waits for the page's backoff (at most 15 s, jittered): longer than a render.
RECONNECT_TIMEOUT_MS = 25_000


def unique(name: str) -> str:
    """A username of this test's own: the module's tests share one server."""
    return f"{name}-{secrets.token_hex(4)}"


class Cable:
    """The WebSockets of a context, passed through Playwright to the real server so a test
    can cut them: the server's side is closed, and new connections are refused until
    `restore()`. The browser is taken offline meanwhile, so its HTTP calls fail too."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.up = True
        self.connections: list[Any] = []
        context.route_web_socket(re.compile(r"/ws/"), self._route)

    def _route(self, socket: Any) -> None:
        if not self.up:
            socket.close(code=4000, reason="cable cut")
            return
        self.connections.append(socket.connect_to_server())

    def cut(self) -> None:
        self.up = False
        self.context.set_offline(True)
        for server_side in self.connections:
            server_side.close()
        self.connections.clear()

    def restore(self) -> None:
        self.up = True
        self.context.set_offline(False)  # the page hears "online" and reconnects at once


class ChatTab:
    def __init__(
        self, browser: Any, server: Server, username: str, with_cable: bool = False
    ) -> None:
        self.username = username
        self.closed = False
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(base_url=server.base_url)
        # Only where a test cuts the connection: elsewhere the page's own WebSocket runs
        # as it would for anyone (under the page's connect-src policy, not a test's stand-in).
        self.cable = Cable(self.context) if with_cable else None
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"{message.type}: {message.text}")

    def sign_up(self, room_id: str | None = None) -> None:
        """Create the account on the sign-in form; the page opens `general` (or the room
        in the address) and goes live."""
        self.page.goto(f"/chat#{room_id}" if room_id else "/chat")
        self.fill_credentials()
        self.page.get_by_role("button", name="Create account").click()
        self.expect_signed_in()

    def sign_in(self) -> None:
        self.fill_credentials()
        self.page.get_by_role("button", name="Sign in").click()
        self.expect_signed_in()

    def fill_credentials(self, password: str = PASSWORD) -> None:
        self.page.get_by_label("Username").fill(self.username)
        self.page.get_by_label("Password").fill(password)

    def expect_signed_in(self) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("#whoami")).to_contain_text(self.username)
        self.expect_live()

    def expect_live(self, timeout: int = TIMEOUT_MS) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("#connection")).to_have_attribute(
            "data-state", "live", timeout=timeout
        )

    def send(self, text: str) -> None:
        self.page.get_by_label("Message", exact=True).fill(text)
        self.page.get_by_role("button", name="Send").click()

    @property
    def texts(self) -> Any:
        """The texts of the stored messages shown, in the order shown."""
        return self.page.get_by_role("log", name="Messages").locator(".text")

    @property
    def unsent(self) -> Any:
        return self.page.get_by_role("list", name="Messages being sent").get_by_role("listitem")

    def shown_ids(self) -> list[int]:
        ids = self.page.locator("#messages > li").evaluate_all(
            "items => items.map(item => Number(item.dataset.id))"
        )
        return [int(each) for each in ids]

    def room_id(self) -> str:
        address = str(self.page.evaluate("location.hash"))
        return address.removeprefix("#")

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.context.close()
