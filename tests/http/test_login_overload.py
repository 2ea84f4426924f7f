"""A login flood that fills the password checks' waiting line: the next login is answered
503 at once (problem+json, Retry-After), and the refusal costs the user no attempt."""

from __future__ import annotations

import httpx
from dependency_injector import providers

from entrypoints.container import Container
from tests.http.conftest import assert_problem, login, register
from tests.support.fakes import FakePasswordHasher


class FullHasher(FakePasswordHasher):
    full = True

    def is_busy(self) -> bool:
        return self.full


async def test_a_login_while_the_hasher_is_full_is_503_and_costs_no_attempt(
    client: httpx.AsyncClient, container: Container
) -> None:
    hasher = FullHasher()
    container.hasher.override(providers.Object(hasher))  # before the first request
    await register(client, "alice")
    for _ in range(6):  # one more than the throttle allows
        response = await client.post("/login", json={"username": "alice", "password": "x" * 8})
        body = assert_problem(response, 503, "overloaded")
        assert response.headers["retry-after"] == "1"
        assert "alice" not in body["detail"]

    hasher.full = False
    await login(client, "alice")
