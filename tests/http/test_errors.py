"""The error contract: problem+json everywhere, request ids, no 500 for odd input."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.http.conftest import SignUp, assert_problem

ODD_BODIES = [
    b"\xff\xfe\x00garbage",
    b'{"username": "\xff\xfe", "password": "x"}',
    b"[]",
    b'["alice", "password"]',
    b'"alice"',
    b"42",
    b"null",
    b"true",
    b'{"username": 1' + b"0" * 5000 + b', "password": "correct horse battery staple"}',
    b'{"username": 1e999, "password": "correct horse battery staple"}',
    b'{"username": null, "password": null}',
    b'{"username": ["a"], "password": {"b": 1}}',
    b'{"username": 123, "password": true}',
    b'{"refresh_token": null, "current_password": null, "new_password": null}',
    b'{"username": "a\\ud800b", "password": "\\udfffxxxxxxxxxx"}',
    b'{"username": "alice", "password": "correct horse battery staple", "username": 1}',
    b"{" * 10000 + b"}" * 10000,
    b"",
]
JSON_ROUTES = [
    ("POST", "/register"),
    ("POST", "/login"),
    ("POST", "/token/refresh"),
    ("PUT", "/users/me/password"),
]


@pytest.mark.parametrize("body", ODD_BODIES, ids=range(len(ODD_BODIES)))
@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
async def test_odd_json_bodies_never_cause_a_500(
    client: httpx.AsyncClient, signed_up: SignUp, method: str, path: str, body: bytes
) -> None:
    headers = {"Content-Type": "application/json"}
    if path == "/users/me/password":
        headers |= await signed_up("odd")
    response = await client.request(method, path, content=body, headers=headers)

    assert response.status_code in (400, 401, 422), response.text
    assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    "form",
    [b"username=%ff%fe&password=x", b"username=" + b"a" * 5000 + b"&password=x", b"=&="],
)
async def test_odd_login_forms_never_cause_a_500(client: httpx.AsyncClient, form: bytes) -> None:
    response = await client.post(
        "/login", content=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code in (400, 401, 422), response.text
    assert_problem(response, response.status_code)


async def test_unknown_route_is_404_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/no/such/route"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/register"), ("DELETE", "/users/me"), ("GET", "/login"), ("PATCH", "/logout")],
)
async def test_wrong_method_is_405_problem(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path)
    assert_problem(response, 405, "method_not_allowed")
    assert "allow" in response.headers


async def test_validation_errors_say_where(client: httpx.AsyncClient) -> None:
    response = await client.post("/register", json={"password": "x"})
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"][0]["loc"] == ["body", "username"]
    assert "username" in body["detail"]
    assert all("input" not in error for error in body["errors"])


async def test_a_safe_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    for path in ("/health/live", "/no/such/route"):
        response = await client.get(path, headers={"X-Request-ID": "trace-42.a_b"})
        assert response.headers["x-request-id"] == "trace-42.a_b"


async def test_a_request_id_is_generated(client: httpx.AsyncClient) -> None:
    first = (await client.get("/health/live")).headers["x-request-id"]
    second = (await client.get("/health/live")).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{16,64}", first)
    assert first != second


@pytest.mark.parametrize(
    "unsafe", ["has space", "x" * 65, "new\tline", "<script>", "a;b=c", "ünicode".encode()]
)
async def test_an_unsafe_request_id_is_replaced(
    client: httpx.AsyncClient, unsafe: str | bytes
) -> None:
    # httpx takes str or bytes headers, but not both kinds in one mapping.
    headers = {"X-Request-ID": unsafe} if isinstance(unsafe, str) else {b"X-Request-ID": unsafe}
    response = await client.get("/health/live", headers=headers)
    replaced = response.headers["x-request-id"]
    assert replaced != unsafe
    assert re.fullmatch(r"[0-9a-f]{16,64}", replaced)


async def test_error_responses_carry_the_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/users/me", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 401
    assert response.headers["x-request-id"] == "abc-123"


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
async def test_health(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


EXPECTED_RESPONSES = {
    ("/register", "post"): {"201", "400", "409", "413", "422"},
    ("/login", "post"): {"200", "400", "401", "413", "415", "422", "429"},
    ("/token/refresh", "post"): {"200", "400", "401", "413", "422"},
    ("/logout", "post"): {"204", "401"},
    ("/users/me", "get"): {"200", "401"},
    ("/users/me/password", "put"): {"204", "400", "401", "403", "413", "422"},
    ("/users", "get"): {"200", "401", "403", "422"},
    ("/users/{user_id}", "get"): {"200", "401", "404"},
}


async def test_openapi_declares_every_status(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "Problem" in schema["components"]["schemas"]
    for (path, method), statuses in EXPECTED_RESPONSES.items():
        responses = schema["paths"][path][method]["responses"]
        assert statuses <= responses.keys(), (path, method, sorted(responses))
        for status in statuses - {"200", "201", "204"}:
            content = responses[status]["content"]
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }, (path, status)


async def test_openapi_documents_both_login_bodies(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    content = schema["paths"]["/login"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= content.keys()


PROTECTED = [
    ("/logout", "post"),
    ("/users/me", "get"),
    ("/users/me/password", "put"),
    ("/users", "get"),
    ("/users/{user_id}", "get"),
]


async def test_openapi_declares_the_oauth2_password_flow(client: httpx.AsyncClient) -> None:
    """/docs' Authorize button and generated clients need the scheme and its use per route."""
    schema = (await client.get("/openapi.json")).json()
    schemes = schema.get("components", {}).get("securitySchemes", {})
    password_flows = {
        name: s["flows"]["password"]
        for name, s in schemes.items()
        if s.get("type") == "oauth2" and "password" in s.get("flows", {})
    }
    assert password_flows, "no OAuth2 password scheme in the OpenAPI document"
    assert {flow["tokenUrl"] for flow in password_flows.values()} == {"login"}
    for path, method in PROTECTED:
        security = schema["paths"][path][method].get("security", [])
        assert any(set(entry) & password_flows.keys() for entry in security), (path, method)
    for path, method in [("/register", "post"), ("/login", "post")]:
        assert not schema["paths"][path][method].get("security"), (path, method)


async def test_openapi_never_documents_a_password_hash(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    user_out = schema["components"]["schemas"]["UserOut"]["properties"]
    assert set(user_out) == {"id", "username", "email", "role", "created_at"}
