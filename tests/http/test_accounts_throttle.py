"""Failed-login throttling: per username and client, with Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from entrypoints.container import Container
from tests.http.conftest import PASSWORD, assert_problem, assert_unauthorized, register
from tests.support.clock import ManualClock

WRONG = "definitely-wrong-password"
LIMIT = 5


async def fail(client: httpx.AsyncClient, username: str, times: int) -> None:
    for _ in range(times):
        response = await client.post("/login", json={"username": username, "password": WRONG})
        assert_unauthorized(response)


async def attempt(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    return await client.post("/login", json={"username": username, "password": password})


def assert_throttled(response: httpx.Response) -> None:
    body = assert_problem(response, 429, "too_many_login_attempts")
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit(), retry_after
    assert 0 < int(retry_after) <= 15 * 60
    assert body.get("retry_after") == int(retry_after)


async def test_five_failures_block_even_the_right_password(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    await fail(client, "alice", LIMIT)

    assert_throttled(await attempt(client, "alice"))
    assert_throttled(await attempt(client, "alice", WRONG))


async def test_four_failures_do_not_block(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    await fail(client, "alice", LIMIT - 1)
    assert (await attempt(client, "alice")).status_code == 200


async def test_the_username_is_counted_ignoring_case(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    for name in ["alice", "ALICE", "Alice", "aLice", "alicE"]:
        await fail(client, name, 1)
    assert_throttled(await attempt(client, "alice"))


async def test_unknown_usernames_are_throttled_too(client: httpx.AsyncClient) -> None:
    await fail(client, "ghost", LIMIT)
    assert_throttled(await attempt(client, "ghost"))


async def test_another_username_is_unaffected(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    await register(client, "bob")
    await fail(client, "alice", LIMIT)

    assert (await attempt(client, "bob")).status_code == 200
    assert_throttled(await attempt(client, "alice"))


async def test_another_client_address_is_unaffected(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await register(client, "alice")
    await fail(client, "alice", LIMIT)

    assert (await attempt(other_client, "alice")).status_code == 200
    assert_throttled(await attempt(client, "alice"))


async def test_a_success_before_the_limit_resets_the_counter(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    await fail(client, "alice", LIMIT - 1)
    assert (await attempt(client, "alice")).status_code == 200

    await fail(client, "alice", LIMIT - 1)

    assert (await attempt(client, "alice")).status_code == 200


async def test_the_form_login_is_throttled_as_well(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    await fail(client, "alice", LIMIT)
    response = await client.post(
        "/login", data={"grant_type": "password", "username": "alice", "password": PASSWORD}
    )
    assert_throttled(response)


async def test_the_block_ends_when_the_window_passes(
    client: httpx.AsyncClient, container: Container
) -> None:
    clock = ManualClock(datetime.now(UTC))
    container.clock.override(clock)  # before the first request builds the throttle
    await register(client, "alice")
    await fail(client, "alice", LIMIT)
    clock.advance(minutes=14, seconds=59)
    assert_throttled(await attempt(client, "alice"))

    clock.advance(seconds=2)

    assert (await attempt(client, "alice")).status_code == 200
