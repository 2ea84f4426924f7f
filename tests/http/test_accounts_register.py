"""POST /register: the created user, the username and password rules, body limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest

from entrypoints.container import Container
from tests.http.conftest import PASSWORD, assert_problem, bearer, login, register

USER_FIELDS = {"id", "username", "email", "role", "created_at"}
MIB = 1024 * 1024


async def test_register_returns_the_user_with_a_location(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/register",
        json={"username": "alice", "password": PASSWORD, "email": "alice@example.org"},
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == USER_FIELDS
    assert body["username"] == "alice"
    assert body["email"] == "alice@example.org"
    assert body["role"] == "user"
    created = datetime.fromisoformat(body["created_at"].replace("Z", "+00:00"))
    assert created.utcoffset() == timedelta(0)
    assert response.headers["location"].endswith(f"/users/{body['id']}")
    assert PASSWORD not in response.text
    assert "argon2" not in response.text
    assert "hash" not in response.text


async def test_location_points_at_the_new_user(client: httpx.AsyncClient) -> None:
    response = await client.post("/register", json={"username": "bob", "password": PASSWORD})
    headers = bearer(await login(client, "bob"))

    fetched = await client.get(response.headers["location"], headers=headers)

    assert fetched.status_code == 200
    assert fetched.json() == response.json()


async def test_email_is_optional(client: httpx.AsyncClient) -> None:
    body = await register(client, "carol")
    assert body["email"] is None


async def test_the_stored_hash_is_not_the_password(
    client: httpx.AsyncClient, container: Container
) -> None:
    body = await register(client, "dave")
    async with container.accounts.uow().read() as uow:
        user = await uow.users.get(body["id"])
    assert user is not None
    assert user.password_hash != PASSWORD
    assert user.password_hash not in (await client.get("/openapi.json")).text


@pytest.mark.parametrize("username", ["abc", "a" * 32, "A.b_c-9", "x-y.z"])
async def test_valid_usernames(client: httpx.AsyncClient, username: str) -> None:
    assert (await register(client, username))["username"] == username


@pytest.mark.parametrize(
    "username", ["ab", "a" * 33, "has space", "bad!char", "émile", "ali/ce", "a\u200bbc", ""]
)
async def test_invalid_usernames_are_422(client: httpx.AsyncClient, username: str) -> None:
    response = await client.post("/register", json={"username": username, "password": PASSWORD})
    assert_problem(response, 422)


async def test_username_out_of_domain_range_names_the_rule(client: httpx.AsyncClient) -> None:
    response = await client.post("/register", json={"username": "a" * 33, "password": PASSWORD})
    assert_problem(response, 422, "invalid_username")


@pytest.mark.parametrize("second", ["alice", "ALICE", "Alice", "aLiCe"])
async def test_username_is_unique_ignoring_case(client: httpx.AsyncClient, second: str) -> None:
    await register(client, "Alice")

    response = await client.post("/register", json={"username": second, "password": PASSWORD})

    assert_problem(response, 409, "username_taken")


@pytest.mark.parametrize(
    ("username", "password", "rule"),
    [
        ("erin", "seven77", "min_length"),
        ("erin", "x" * 1025, "max_length"),
        ("erin", "y" * 2000, "max_length"),
        ("sebastian99", "sebastian99", "equals_username"),
        ("sebastian99", "SEBASTIAN99", "equals_username"),
        ("erin", "iloveyou", "common_password"),
        ("erin", "PassWord1", "common_password"),
        ("erin", "qwertyuiop", "common_password"),
    ],
)
async def test_weak_passwords_are_422_naming_the_rule(
    client: httpx.AsyncClient, username: str, password: str, rule: str
) -> None:
    response = await client.post("/register", json={"username": username, "password": password})

    body = assert_problem(response, 422, "weak_password")
    assert body["rule"] == rule
    if len(password) >= 8:
        assert password not in response.text  # the error never echoes the secret


async def test_empty_password_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/register", json={"username": "erin", "password": ""})
    assert_problem(response, 422)


async def test_a_refused_registration_creates_no_user(client: httpx.AsyncClient) -> None:
    await client.post("/register", json={"username": "frank", "password": "iloveyou"})
    assert (await register(client, "frank"))["username"] == "frank"


@pytest.mark.parametrize("password", ["eight888", "z" * 1024])
async def test_password_length_bounds_are_inclusive(
    client: httpx.AsyncClient, password: str
) -> None:
    await register(client, "gina", password)
    assert (await login(client, "gina", password))["token_type"] == "bearer"


async def test_invalid_email_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/register", json={"username": "hank", "password": PASSWORD, "email": "not an email"}
    )
    assert_problem(response, 422, "invalid_email")


async def test_unknown_fields_are_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/register", json={"username": "ivan", "password": PASSWORD, "role": "admin"}
    )
    assert_problem(response, 422, "validation_failed")
    login_attempt = await client.post("/login", json={"username": "ivan", "password": PASSWORD})
    assert login_attempt.status_code == 401  # nobody was created, let alone an admin


async def test_malformed_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/register",
        content=b'{"username": "jo", "password": ',
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 400, "malformed_json")


async def test_body_over_one_mib_is_413_by_content_length(client: httpx.AsyncClient) -> None:
    padding = "p" * (MIB + 1)
    response = await client.post(
        "/register", json={"username": "kim", "password": PASSWORD, "email": padding}
    )
    assert_problem(response, 413, "body_too_large")


async def test_body_over_one_mib_is_413_when_streamed(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"username": "lee", "password": "' + PASSWORD.encode() + b'", "email": "'
        for _ in range(20):
            yield b"e" * 65536
        yield b'"}'

    response = await client.post(
        "/register", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_problem(response, 413, "body_too_large")


async def test_body_just_under_the_limit_is_not_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/register",
        json={"username": "max", "password": PASSWORD, "email": "e" * (MIB - 100)},
    )
    assert_problem(response, 422)  # read and judged, not refused for its size
