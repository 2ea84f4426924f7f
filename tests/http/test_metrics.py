"""/metrics: the Prometheus text format, labelled by route template (never a raw path or
an id), counting the business events the use cases report, and served only to the
clients CASEWORKS_METRICS_ALLOW names (404 to others, as if it did not exist)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from entrypoints.container import Container, build_container, close_resources
from entrypoints.http.app import create_app
from tests.http.chat_sockets import chat_app, next_of, sign_up
from tests.http.clinic_helpers import add_patient, at, book, clinician
from tests.http.conftest import (
    PASSWORD,
    app_settings,
    bearer,
    login,
    make_container,
    register,
)
from tests.http.metrics_helpers import LOOPBACK, parse, scrape, value
from tests.http.shop_helpers import add_product

MakeApp = Callable[..., FastAPI]


@pytest.fixture
async def make_app(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[MakeApp]:
    """Apps on the memory storage with other settings."""
    made: list[Container] = []

    def make(**config: object) -> FastAPI:
        made.append(make_container(tmp_path, sqlite_template, "memory", **config))
        return create_app(made[-1])

    yield make
    for container in made:
        await close_resources(container)


@pytest.fixture
async def local(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The same app, seen from the loopback address (the `client` fixture is remote)."""
    transport = httpx.ASGITransport(app=app, client=LOOPBACK)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def client_of(app: object, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50002))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_requests_are_labelled_by_route_template(
    client: httpx.AsyncClient, local: httpx.AsyncClient
) -> None:
    headers = bearer(await login(client, (await register(client, "alice"))["username"]))
    created = await client.post("/todos/", json={"task": "water the plants"}, headers=headers)
    todo_id = created.json()["id"]
    for _ in range(3):
        assert (await client.get(f"/todos/{todo_id}", headers=headers)).status_code == 200
    assert (await client.get(f"/todos/{'0' * 32}", headers=headers)).status_code in (404, 422)
    assert (await client.get("/no/such/path/12345")).status_code == 404
    assert (await client.request("BREW", "/todos/")).status_code == 405

    response = await local.get("/metrics")
    assert response.status_code == 200
    samples = await scrape(local)
    requests = "caseworks_http_requests_total"
    ok = {"method": "GET", "route": "/todos/{todo_id}", "status": "200"}
    assert value(samples, requests, **ok) == 3
    assert value(samples, "caseworks_http_request_duration_seconds_count", **ok) == 3
    assert value(samples, requests, route="unmatched", status="404") == 1
    assert value(samples, requests, method="other", route="/todos/") == 1  # BREW: no label
    # Nothing a client chose, nor an id, is a label: only templates and bounded words.
    for sample in samples:
        assert todo_id not in str(sample.labels)
        assert "alice" not in str(sample.labels)
        assert "12345" not in str(sample.labels)
        if "route" in sample.labels:
            route = sample.labels["route"]
            assert route == "unmatched" or route.startswith("/"), route
    assert "water" not in response.text


async def test_business_events_are_counted(
    client: httpx.AsyncClient,
    local: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
) -> None:
    # Login failures: a wrong password and an unknown user; a good login is none.
    await register(client, "bob")
    for username in ("bob", "nobody"):
        body = {"username": username, "password": "wrong-" + PASSWORD}
        assert (await client.post("/login", json=body)).status_code == 401
    bob = bearer(await login(client, "bob"))
    # Orders: two placed; a replay of the second (same Idempotency-Key) is no new order.
    product = await add_product(client, admin_headers)
    order = {"lines": [{"product_id": product["id"], "quantity": 1}]}
    assert (await client.post("/orders", json=order, headers=bob)).status_code == 201
    keyed = {**bob, "Idempotency-Key": "order-2"}
    for _ in range(2):
        assert (await client.post("/orders", json=order, headers=keyed)).status_code == 201
    # Bookings: the second over the same slot is refused.
    doctor_id, _ = await clinician(client, container, admin_headers, "drwho")
    patient = await add_patient(client, admin_headers)
    slot = (patient["id"], doctor_id, at(9), at(9, 30))
    assert (await book(client, admin_headers, *slot)).status_code == 201
    assert (await book(client, admin_headers, *slot)).status_code == 409
    # Messages: a repeat of a client_id is the same message, not a new one.
    assert (await client.post("/rooms/general/join", headers=bob)).status_code == 204
    for _ in range(2):
        said = {"text": "hello", "client_id": "c-1"}
        await client.post("/rooms/general/messages", json=said, headers=bob)
    said = {"text": "again"}
    assert (await client.post("/rooms/general/messages", json=said, headers=bob)).status_code == 201

    samples = await scrape(local)
    assert value(samples, "caseworks_login_failures_total") == 2
    assert value(samples, "caseworks_orders_placed_total") == 2
    assert value(samples, "caseworks_bookings_refused_total") == 1
    assert value(samples, "caseworks_messages_posted_total") == 2


async def test_only_allowed_clients_see_metrics(app: FastAPI, client: httpx.AsyncClient) -> None:
    refused = await client.get("/metrics")  # 203.0.113.7: not loopback
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"
    async with client_of(app, "::1") as ipv6, client_of(app, "::ffff:127.0.0.1") as mapped:
        assert (await ipv6.get("/metrics")).status_code == 200
        assert (await mapped.get("/metrics")).status_code == 200
    async with client_of(app, "127.0.0.1") as local:
        # Relayed by a proxy that is not trusted: the loopback peer is the proxy itself.
        relayed = await local.get("/metrics", headers={"X-Forwarded-For": "198.51.100.4"})
        assert relayed.status_code == 404


@pytest.mark.parametrize(
    ("config", "address", "status"),
    [
        ({"metrics": False}, "127.0.0.1", 404),
        ({"metrics_allow": ["10.0.0.0/8"]}, "10.20.30.40", 200),
        ({"metrics_allow": ["10.0.0.0/8"]}, "127.0.0.1", 404),
        ({"metrics_allow": ["*"]}, "203.0.113.7", 200),
    ],
)
async def test_settings_switch_metrics_off_or_open_them(
    make_app: MakeApp, config: dict[str, object], address: str, status: int
) -> None:
    async with client_of(make_app(**config), address) as client:
        assert (await client.get("/metrics")).status_code == status


async def test_a_trusted_proxy_names_the_client(make_app: MakeApp) -> None:
    """Behind a trusted proxy, uvicorn puts the X-Forwarded-For address in the scope, and
    that address is the one judged."""
    app = make_app(trusted_proxies=["127.0.0.1"])
    proxied = ProxyHeadersMiddleware(app, trusted_hosts=["127.0.0.1"])  # type: ignore[arg-type]
    async with client_of(proxied, "127.0.0.1") as proxy:
        remote = await proxy.get("/metrics", headers={"X-Forwarded-For": "198.51.100.4"})
        assert remote.status_code == 404
        local = await proxy.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
        assert local.status_code == 200


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
async def test_pool_connections_in_use_are_gauged(
    container: Container, local: httpx.AsyncClient
) -> None:
    checked_out = "caseworks_db_pool_checked_out"
    assert (await local.get("/health/ready")).status_code == 200  # reads through the reader
    async with container.engine().connect():
        samples = await scrape(local)
        assert value(samples, checked_out, pool="write") == 1
        assert value(samples, "caseworks_db_pool_size", pool="write") >= 1
    samples = await scrape(local)
    assert value(samples, checked_out, pool="write") == 0
    assert value(samples, checked_out, pool="read") == 0
    assert value(samples, "caseworks_db_pool_size", pool="read") >= 1


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_open_websockets_are_gauged(tmp_path: Path, sqlite_template: Path) -> None:
    def sockets_open(chat: TestClient) -> float:
        response = chat.get("/metrics")  # TestClient's address is a name: allow any
        assert response.status_code == 200
        return value(parse(response.text), "caseworks_websockets_open")

    with chat_app(tmp_path, sqlite_template, metrics_allow=["*"]) as chat:
        alice, bob = sign_up(chat, "alice"), sign_up(chat, "bob")
        assert sockets_open(chat) == 0
        with chat.websocket_connect("/ws/rooms/general", headers=alice) as a:
            next_of(a, "ready")
            assert sockets_open(chat) == 1
            with chat.websocket_connect("/ws/rooms/general", headers=bob) as b:
                next_of(b, "ready")
                assert sockets_open(chat) == 2
                a.send_json({"type": "message", "text": "hi"})  # over the socket: counted too
                next_of(b, "message")
            next_of(a, "presence")  # bob left; his socket's task ends just after
            assert eventually(lambda: sockets_open(chat) == 1)
        # Refused before the handshake completes: never open.
        with pytest.raises(WebSocketDisconnect), chat.websocket_connect("/ws/rooms/general") as no:
            no.receive_json()
        assert eventually(lambda: sockets_open(chat) == 0)
        assert value(parse(chat.get("/metrics").text), "caseworks_messages_posted_total") == 1


async def test_both_postgres_pools_are_gauged(postgres_database: str) -> None:
    settings = app_settings(postgres_database, db_pool_size=3)
    container = build_container(settings)
    checked_out = "caseworks_db_pool_checked_out"
    try:
        transport = httpx.ASGITransport(app=create_app(container), client=LOOPBACK)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as local:
            async with container.engine().connect(), container.read_engine().connect():
                samples = await scrape(local)
                assert value(samples, checked_out, pool="write") == 1
                assert value(samples, checked_out, pool="read") == 1
            samples = await scrape(local)
            assert value(samples, checked_out, pool="write") == 0
            assert value(samples, checked_out, pool="read") == 0
            assert value(samples, "caseworks_db_pool_size", pool="write") == 3
            assert value(samples, "caseworks_db_pool_size", pool="read") == 3
    finally:
        await close_resources(container)
