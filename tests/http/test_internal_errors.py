"""A bug on our side: 500 in the problem shape, with the request id, and nothing internal."""

from __future__ import annotations

import logging

import httpx
import pytest
from dependency_injector import providers

from entrypoints.container import Container
from tests.http.conftest import SignUp, assert_problem


class BrokenListTodos:
    async def execute(self, query: object) -> object:
        raise RuntimeError("secret internals")


async def test_an_unexpected_error_is_a_clean_500(
    client: httpx.AsyncClient,
    container: Container,
    signed_up: SignUp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    headers = await signed_up("alice")
    container.todos.list_todos.override(providers.Object(BrokenListTodos()))
    caplog.set_level(logging.ERROR)

    response = await client.get("/todos/", headers={**headers, "X-Request-ID": "trace-500"})

    body = assert_problem(response, 500, "internal_error")
    assert "secret internals" not in response.text
    assert "Traceback" not in body["detail"]
    assert response.headers["x-request-id"] == "trace-500"
    logged = [r for r in caplog.records if r.exc_info]
    assert logged, "the error is logged"
    exc_info = logged[0].exc_info
    assert exc_info is not None
    assert "secret internals" in str(exc_info[1])
