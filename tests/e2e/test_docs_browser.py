"""/docs and /redoc render in a real headless Chromium with nothing but the server reachable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Kept quick: a render takes well under a second, and a blank page should fail fast.
TIMEOUT_MS = 5_000  # each navigation or wait (also playwright's `expect` default)
# But the first layout of the whole document: CI once showed Redoc's "Loading ..." after 5 s
# on a loaded two-core machine (the document carries every operation's links).
FIRST_RENDER_MS = 30_000
LAUNCH_TIMEOUT_MS = 30_000


def _unavailable(reason: str) -> None:
    """Skip on a workstation without a browser; in CI the browser test must run."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=LAUNCH_TIMEOUT_MS
        )
        yield chromium
        chromium.close()


class Visit:
    """One page in a fresh context, with every request and console problem it caused."""

    def __init__(self, browser: Any, server: Server) -> None:
        self.origin = urlsplit(server.base_url).netloc
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.context = browser.new_context(base_url=server.base_url)
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._only_this_server)  # offline, whatever the machine
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))

    def _only_this_server(self, route: Any) -> None:
        if self.is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"{message.type}: {message.text}")

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):  # made in the page itself, not fetched
            return parts.scheme == "data" or urlsplit(parts.path).netloc == self.origin
        return parts.scheme == "http" and parts.netloc == self.origin

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not self.is_local(url)]


@pytest.fixture
def visit(browser: Any, server: Server) -> Iterator[Visit]:
    opened = Visit(browser, server)
    yield opened
    opened.context.close()


def test_swagger_ui_renders_from_this_server_only(visit: Visit) -> None:
    from playwright.sync_api import expect

    response = visit.page.goto("/docs")
    assert response is not None
    assert response.ok
    title = visit.page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("Caseworks", timeout=FIRST_RENDER_MS)
    paths = visit.page.locator(".swagger-ui .opblock-summary-path")
    expect(paths.filter(has_text="/todos/").first).to_be_visible()
    assert visit.page.locator(".swagger-ui .opblock").count() > 5
    # Open an operation and the Authorize dialog: more of the UI, under the same policy.
    paths.filter(has_text="/todos/").first.click()
    expect(visit.page.locator(".swagger-ui .opblock-body").first).to_be_visible()
    visit.page.locator(".swagger-ui .btn.authorize").click()
    expect(visit.page.locator(".swagger-ui .dialog-ux")).to_be_visible()
    visit.page.wait_for_load_state("networkidle")

    assert any(url.endswith("/docs/assets/swagger-ui-bundle.js") for url in visit.requests)
    assert visit.foreign_requests() == []
    assert visit.problems == []  # no CSP violation, no failed load, no script error


def test_redoc_renders_from_this_server_only(visit: Visit) -> None:
    from playwright.sync_api import expect

    response = visit.page.goto("/redoc")
    assert response is not None
    assert response.ok
    title = visit.page.locator(".api-info h1")
    expect(title).to_contain_text("Caseworks", timeout=FIRST_RENDER_MS)
    operations = visit.page.locator("[data-section-id*='/operation/']")
    expect(operations.first).to_be_attached()
    expect(visit.page.get_by_text("/todos/").first).to_be_attached()
    visit.page.wait_for_load_state("networkidle")

    assert any(url.endswith("/docs/assets/redoc.standalone.js") for url in visit.requests)
    assert visit.foreign_requests() == []
    assert visit.problems == []
