"""POST /login: the OAuth2 password form and JSON, one answer for every bad credential."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from tests.http.conftest import PASSWORD, assert_problem, assert_unauthorized, register

TOKEN_FIELDS = {"access_token", "token_type", "expires_in", "refresh_token"}


def assert_token_pair(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == TOKEN_FIELDS
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh_token"] != body["access_token"]
    return body


async def test_login_with_the_oauth2_password_form(client: httpx.AsyncClient) -> None:
    await register(client, "alice")

    response = await client.post(
        "/login", data={"grant_type": "password", "username": "alice", "password": PASSWORD}
    )

    tokens = assert_token_pair(response)
    me = await client.get(
        "/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.json()["username"] == "alice"


async def test_login_form_without_grant_type(client: httpx.AsyncClient) -> None:
    await register(client, "alice")
    response = await client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert_token_pair(response)


async def test_login_with_json(client: httpx.AsyncClient) -> None:
    user = await register(client, "bob")

    tokens = assert_token_pair(
        await client.post("/login", json={"username": "bob", "password": PASSWORD})
    )

    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["sub"] == user["id"]
    assert claims["typ"] == "access"


async def test_every_login_gets_its_own_tokens(client: httpx.AsyncClient) -> None:
    await register(client, "bob")
    body = {"username": "bob", "password": PASSWORD}
    first = assert_token_pair(await client.post("/login", json=body))
    second = assert_token_pair(await client.post("/login", json=body))
    assert first["refresh_token"] != second["refresh_token"]
    assert first["access_token"] != second["access_token"]


async def test_username_is_matched_ignoring_case(client: httpx.AsyncClient) -> None:
    await register(client, "Carol")
    assert_token_pair(await client.post("/login", json={"username": "cAROL", "password": PASSWORD}))


async def test_unknown_user_and_wrong_password_get_the_same_401(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "dave")

    wrong_password = await client.post(
        "/login", json={"username": "dave", "password": "not the password"}
    )
    unknown_user = await client.post(
        "/login", json={"username": "nobody", "password": "not the password"}
    )

    assert_unauthorized(wrong_password)
    assert_unauthorized(unknown_user)
    assert wrong_password.json() == unknown_user.json()
    assert wrong_password.json()["code"] == "invalid_credentials"
    assert wrong_password.headers["www-authenticate"] == unknown_user.headers["www-authenticate"]


async def test_wrong_password_by_form_is_401(client: httpx.AsyncClient) -> None:
    await register(client, "dave")
    response = await client.post(
        "/login", data={"grant_type": "password", "username": "dave", "password": "nope-nope"}
    )
    assert_unauthorized(response)


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("text/plain", b"username=alice&password=x"),
        ("multipart/form-data; boundary=xyz", b"--xyz--\r\n"),
        ("application/xml", b"<login/>"),
        (None, b'{"username": "alice", "password": "x"}'),
    ],
)
async def test_other_content_types_are_415(
    client: httpx.AsyncClient, content_type: str | None, content: bytes
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post("/login", content=content, headers=headers)
    assert_problem(response, 415, "unsupported_media_type")


async def test_content_type_parameters_and_case_are_accepted(client: httpx.AsyncClient) -> None:
    await register(client, "erin")
    response = await client.post(
        "/login",
        content=b'{"username": "erin", "password": "' + PASSWORD.encode() + b'"}',
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert_token_pair(response)


async def test_grant_type_other_than_password_is_422(client: httpx.AsyncClient) -> None:
    await register(client, "frank")
    response = await client.post(
        "/login",
        data={"grant_type": "client_credentials", "username": "frank", "password": PASSWORD},
    )
    assert_problem(response, 422, "validation_failed")


@pytest.mark.parametrize(
    "body",
    [
        {"username": "frank"},
        {"password": PASSWORD},
        {"username": "frank", "password": PASSWORD, "extra": 1},
        {"username": "frank", "password": PASSWORD, "grant_type": "password"},
        {"username": None, "password": PASSWORD},
    ],
)
async def test_bad_json_credentials_are_422(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/login", json=body)
    assert_problem(response, 422, "validation_failed")


async def test_malformed_json_login_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400, "malformed_json")


@pytest.mark.parametrize(
    "content",
    [b"username=a&username=b&password=x", b"\xff\xfe=\xff", b"a=%%%&&=="],
)
async def test_bad_forms_are_400(client: httpx.AsyncClient, content: bytes) -> None:
    response = await client.post(
        "/login",
        content=content,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_problem(response, 400)


async def test_missing_form_fields_are_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/login", data={"grant_type": "password", "username": "x"})
    assert_problem(response, 422, "validation_failed")
