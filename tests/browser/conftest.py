"""The chat page in a real browser against a real `caseworks serve` on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Server, environment_in, running_server

# The module's headless Chromium (Debian's, at /usr/bin/chromium), or a skip with the
# reason outside CI and a failure under CI=true: the fixture /docs is tested with.
from tests.e2e.test_docs_browser import browser  # noqa: F401


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module's tests; each test signs up users of its own."""
    directory = tmp_path_factory.mktemp("chat-browser")
    with running_server(environment_in(directory), directory) as server:
        yield server
