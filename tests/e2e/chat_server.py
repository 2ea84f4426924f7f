"""One real `caseworks serve` (SQLite, the in-process bus) shared by the chat's
single-server end-to-end files: started once, since each start costs seconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.chat_cluster import ChatCluster, start_chat_cluster

ALLOWED_ORIGIN = "https://chat.allowed.example"
PING_SECONDS = 1  # a peer that answers no ping is closed within ~2 s
QUEUE_FRAMES = 16  # a reader that stops is dropped after few messages


@pytest.fixture(scope="session")
def chat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatCluster]:
    with start_chat_cluster(
        "sqlite",
        tmp_path_factory.mktemp("chat-server"),
        redis=None,
        servers=1,
        CASEWORKS_WS_PING_SECONDS=str(PING_SECONDS),
        CASEWORKS_CHAT_QUEUE_FRAMES=str(QUEUE_FRAMES),
        CASEWORKS_CORS_ORIGINS=ALLOWED_ORIGIN,
        CASEWORKS_LOG_LEVEL="DEBUG",  # the most the server ever logs: still no secret
    ) as running:
        yield running
