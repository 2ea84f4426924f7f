"""What every route gets from its route class and the guards, walked over `app.routes`:
a path ends where it ends, undeclared query parameters are refused, authentication comes
before the body, JSON is the only body type, a 204 has no Content-Type."""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from entrypoints.http.routing import ApiRoute
from tests.http.conftest import SignUp, assert_problem, assert_unauthorized

# Routes anyone may call; every other route of the API must answer 401 without a token.
PUBLIC = {
    ("POST", "/register"),
    ("POST", "/login"),
    ("POST", "/token/refresh"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/products"),  # a token, if sent, must be valid (admins then see more)
    ("GET", "/products/{product_id}"),
}


def api_routes(app: FastAPI) -> list[tuple[str, str, ApiRoute]]:
    """(method, concrete path, route) for every operation of the API."""
    found = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            assert isinstance(route, ApiRoute), f"{route.path} is not an ApiRoute"
            path = re.sub(r"\{[^}]+\}", "some-id", route.path)
            assert route.methods is not None
            found += [(method, path, route) for method in sorted(route.methods - {"HEAD"})]
    return found


class RouteRecorder:
    """Wraps the app and remembers which route each request reached (None: no route)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.reached: list[Any] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.reached.append(scope.get("route"))


@pytest.fixture
async def recorded(app: FastAPI) -> AsyncIterator[tuple[httpx.AsyncClient, RouteRecorder]]:
    recorder = RouteRecorder(app)
    transport = httpx.ASGITransport(app=recorder, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, recorder


async def test_control_characters_in_a_path_never_reach_another_route(
    app: FastAPI, recorded: tuple[httpx.AsyncClient, RouteRecorder], signed_up: SignUp
) -> None:
    client, recorder = recorded
    alice = await signed_up("alice")
    todo = (await client.post("/todos/", json={"task": "keep me"}, headers=alice)).json()
    for method, path, route in api_routes(app):
        for suffix in ("%0A", "%0D", "%00", "%0D%0A", "%0a%0a"):
            for variant in (path + suffix, path.rstrip("/") + suffix + "/"):
                recorder.reached.clear()
                response = await client.request(method, variant, headers=alice, json={})
                assert response.status_code in (404, 405, 422), (method, variant, response.text)
                assert recorder.reached[-1] in (None, route), (method, variant)
    assert (await client.get(todo["url"], headers=alice)).status_code == 200


async def test_the_newline_path_deletes_nothing(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    await client.post("/todos/", json={"task": "keep me"}, headers=alice)

    assert_problem(await client.delete("/todos/%0A", headers=alice), 404, "not_found")
    assert_problem(await client.get("/todos/%0A", headers=alice), 404, "not_found")

    listed = await client.get("/todos/", headers=alice)
    assert listed.headers["X-Total-Count"] == "1"


async def test_every_route_refuses_undeclared_query_parameters(
    app: FastAPI, client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    todo = (await client.post("/todos/", json={"task": "keep me"}, headers=alice)).json()
    for method, path, _ in api_routes(app):
        if method == "POST" and path == "/logout":
            continue  # checked below, so that alice stays logged in for the others
        response = await client.request(method, path, params={"bogus": "1"}, headers=alice)
        problem = assert_problem(response, 422, "validation_failed")
        assert {"loc": ["query", "bogus"], "msg": "unknown query parameter"}.items() <= (
            problem["errors"][0].items()
        ), (method, path)
    assert_problem(await client.post("/logout?all=true", headers=alice), 422)
    assert (await client.get(todo["url"], headers=alice)).status_code == 200


async def test_delete_all_with_completed_keeps_the_open_todos(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    for task, completed in (("done", True), ("open", False), ("also done", True)):
        body = {"task": task, "completed": completed}
        assert (await client.post("/todos/", json=body, headers=alice)).status_code == 201

    response = await client.delete("/todos/", params={"completed": "true"}, headers=alice)

    assert response.status_code == 204
    left = (await client.get("/todos/", headers=alice)).json()
    assert [t["task"] for t in left] == ["open"]
    assert (await client.delete("/todos/?completed=false", headers=alice)).status_code == 204
    assert (await client.get("/todos/", headers=alice)).json() == []


async def test_every_protected_route_answers_401_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Without a token, even a bad body or query is a 401 that reveals nothing about them."""
    seen = set()
    for method, path, route in api_routes(app):
        seen.add((method, route.path))
        if (method, route.path) in PUBLIC:
            assert not route.is_protected
            continue
        assert route.is_protected, (method, route.path)
        response = await client.request(
            method, path, params={"limit": "oops"}, content=b'{"task": 42', headers=JSON
        )
        body = assert_unauthorized(response)
        assert "errors" not in body
    assert seen >= PUBLIC


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_json_routes_answer_415_to_other_media_types(
    app: FastAPI, client: httpx.AsyncClient, signed_up: SignUp, content_type: str | None
) -> None:
    alice = await signed_up("alice")
    headers = {**alice, "Content-Type": content_type} if content_type else alice
    json_routes = [
        (method, path) for method, path, route in api_routes(app) if route.body_field is not None
    ]
    assert len(json_routes) >= 6
    if content_type != "application/x-www-form-urlencoded":  # /login also takes the form
        json_routes.append(("POST", "/login"))
    for method, path in json_routes:
        response = await client.request(method, path, content=b'{"task": "x"}', headers=headers)
        assert_problem(response, 415, "unsupported_media_type")


async def test_a_utf8_bom_is_accepted_on_every_json_route(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    bom = codecs.BOM_UTF8
    created = await client.post(
        "/todos/", content=bom + b'{"task": "with a BOM"}', headers={**alice, **JSON}
    )
    assert created.status_code == 201, created.text
    login = await client.post(
        "/login",
        content=bom + b'{"username": "alice", "password": "correct horse battery staple"}',
        headers=JSON,
    )
    assert login.status_code == 200, login.text


async def test_204_answers_carry_no_content_type(
    app: FastAPI, client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    todo = (await client.post("/todos/", json={"task": "x"}, headers=alice)).json()
    for response in (
        await client.delete(todo["url"], headers=alice),
        await client.delete("/todos/", headers=alice),
        await client.post("/logout", headers=alice),
    ):
        assert response.status_code == 204
        assert "content-type" not in response.headers
        assert response.content == b""
    assert all(
        not isinstance(route.response_class, DefaultPlaceholder)
        and route.response_class.media_type is None
        for _, _, route in api_routes(app)
        if route.status_code == 204
    )


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PATCH", "/todos/", "DELETE, GET, POST"),
        ("POST", "/todos/abc", "DELETE, GET, PATCH, PUT"),
        ("DELETE", "/users/me", "GET"),
        ("GET", "/users/me/password", "PUT"),
    ],
)
async def test_405_lists_every_allowed_method(
    client: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await client.request(method, path)
    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed
