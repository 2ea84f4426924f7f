"""Absolute URLs come from configuration or a checked Host, never an untrusted header."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest

from entrypoints.container import build_container, close_resources
from entrypoints.http.app import create_app
from entrypoints.settings import ConfigurationError, Settings
from tests.http.conftest import SECRET, assert_problem, bearer, login, make_container, register

ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_with(tmp_path: Path, sqlite_template: Path) -> ClientFactory:
    @asynccontextmanager
    async def build(base_url: str, **config: object) -> AsyncIterator[httpx.AsyncClient]:
        container = make_container(tmp_path, sqlite_template, "memory", **config)
        transport = httpx.ASGITransport(app=create_app(container))
        try:
            async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
                yield client
        finally:
            await close_resources(container)

    return build


async def signed_up(client: httpx.AsyncClient) -> dict[str, str]:
    await register(client, "alice")
    return bearer(await login(client, "alice"))


async def test_an_unknown_host_is_refused_before_any_route(client_with: ClientFactory) -> None:
    async with client_with("http://evil.example") as client:
        response = await client.post("/register", json={"username": "eve", "password": "x" * 12})
    assert_problem(response, 400, "unknown_host")


async def test_urls_come_from_the_public_url_not_the_host_header(
    client_with: ClientFactory,
) -> None:
    public = "https://api.example.org/v1"
    async with client_with("http://testserver", public_url=public + "/") as client:
        alice = {**await signed_up(client), "X-Forwarded-Host": "evil.example"}
        response = await client.post("/todos/", json={"task": "x"}, headers=alice)
        await client.post("/todos/", json={"task": "y"}, headers=alice)
        listed = await client.get("/todos/?limit=1", headers=alice)

    todo = response.json()
    assert response.headers["location"] == f"{public}/todos/{todo['id']}"
    assert todo["url"] == response.headers["location"]
    assert listed.headers["link"] == f'<{public}/todos/?limit=1&offset=1>; rel="next"'


async def test_a_host_on_the_list_is_used_with_its_port(client_with: ClientFactory) -> None:
    base = "http://api.example.org:8080"
    async with client_with(base, allowed_hosts=["api.example.org"]) as client:
        response = await client.post("/todos/", json={"task": "x"}, headers=await signed_up(client))
    assert response.headers["location"].startswith("http://api.example.org:8080/todos/")


def test_production_refuses_to_start_without_a_public_url_or_hosts(tmp_path: Path) -> None:
    settings = Settings(env="production", secret_key=SECRET, _env_file=None)
    with pytest.raises(ConfigurationError, match="CASEWORKS_PUBLIC_URL"):
        build_container(settings)


def test_production_serves_the_public_url_host_only(tmp_path: Path) -> None:
    settings = Settings(
        env="production", secret_key=SECRET, public_url="https://api.example.org", _env_file=None
    )
    assert build_container(settings).config.allowed_hosts() == ["api.example.org"]


@pytest.mark.parametrize(
    "headers",
    [
        [("host", "evil.example"), ("host", "localhost")],  # base_url would take the first
        [("host", "localhost:@evil.example")],  # "localhost" to a naive check
        [("host", "[::1]@evil.example")],
        [("host", "localhost:80/x")],
    ],
)
async def test_a_host_header_that_is_not_one_plain_name_is_refused(
    client_with: ClientFactory, headers: list[tuple[str, str]]
) -> None:
    async with client_with("http://localhost", allowed_hosts=["localhost", "::1"]) as client:
        request = client.build_request("POST", "/register", json={"username": "eve"})
        request.headers = httpx.Headers([*headers, ("content-type", "application/json")])
        response = await client.send(request)
    assert_problem(response, 400, "unknown_host")


async def test_every_operation_documents_what_the_edge_answers_before_any_route(
    client_with: ClientFactory,
) -> None:
    # An empty Host reaches DELETE /products/{id} too (Schemathesis found it undocumented).
    async with client_with("http://localhost") as client:
        request = client.build_request("DELETE", "/products/p1")
        request.headers["Host"] = ""
        assert_problem(await client.send(request), 400, "unknown_host")
        document = (await client.get("/openapi.json")).json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            undeclared = {"400", "413"} - operation["responses"].keys()
            assert not undeclared, f"{method.upper()} {path} does not declare {undeclared}"
