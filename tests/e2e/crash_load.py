"""The load of tests/e2e/test_crash_safety.py: clients writing to every context at once over
HTTP (todos, orders, bookings, chat messages), a ledger of what each write came to, and a
SIGKILL that lands mid-load: once enough writes are acknowledged, while others are in
flight."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.e2e.shop_cluster import PASSWORD, problem_code, unique

CONTEXTS = ("todos", "orders", "bookings", "messages")
DAYS = 4  # bookings spread over this many days, 30 days ahead
FIRST_DAY = (datetime.now(UTC) + timedelta(days=30)).replace(
    hour=8, minute=0, second=0, microsecond=0
)
SLOTS_A_DAY = 58  # 30-minute bookings starting every 10 minutes from 08:00 to 17:30
STOCK = 1000  # each product's on_hand: orders rarely run out
# What a write may be refused with under this load; anything else fails the test.
Outcome = tuple[int, str | None]  # a status and the problem's code
REFUSALS: dict[str, set[Outcome]] = {
    "todos": set(),
    "orders": {(409, "insufficient_stock")},
    "bookings": {(409, "slot_taken")},
    "messages": {(429, "rate_limited")},  # 10 a second per user and server
}
PATHS = {"todos": "/todos/", "orders": "/orders", "bookings": "/appointments"}
# After the restart, each unanswered write of these is sent again as it was (an order or a
# booking with its Idempotency-Key, a message with its client_id), as a client would:
# what it may come to. Todos take no key, so a retry could only make a second one.
RETRIED: dict[str, set[Outcome]] = {
    "orders": {(201, None), (409, "insufficient_stock"), (409, "idempotency_key_in_progress")},
    "bookings": {(201, None), (409, "slot_taken"), (409, "idempotency_key_in_progress")},
    "messages": {(200, None), (201, None)},  # 200: the client_id was stored (the same message)
}


@dataclass(frozen=True)
class World:
    """What the writes need, made over HTTP before the load."""

    admin: dict[str, str]
    users: list[dict[str, str]]  # Authorization headers
    products: list[str]  # each with STOCK on hand
    clinicians: list[str]
    patients: list[str]
    rooms: list[str]  # every user joined


@dataclass(frozen=True)
class Write:
    context: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Ledger:
    """Every write's outcome as its client saw it. `unknown`: no answer (in flight when
    the server died), so either outcome is allowed, but never a partial one."""

    pid: int  # the server to kill
    kill_after: int  # acknowledged writes of all contexts together...
    at_least: int  # ...and of each context
    acked: dict[str, list[tuple[Write, dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    unknown: dict[str, list[Write]] = field(default_factory=lambda: defaultdict(list))
    refused: Counter[tuple[str, int, str | None]] = field(default_factory=Counter)
    # The retries of the unanswered writes: the write, its answer's status and body.
    retried: dict[str, list[tuple[Write, httpx.Response]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    in_flight: int = 0
    in_flight_at_kill: int | None = None

    @property
    def killed(self) -> bool:
        return self.in_flight_at_kill is not None

    def acknowledge(self, write: Write, answer: dict[str, Any]) -> None:
        self.acked[write.context].append((write, answer))
        counts = [len(self.acked[c]) for c in CONTEXTS]
        if not self.killed and sum(counts) >= self.kill_after and min(counts) >= self.at_least:
            # Synchronously, in the callback of the acknowledgement that crossed the line:
            # every other client has a request out (or is just sending one).
            self.in_flight_at_kill = self.in_flight
            os.kill(self.pid, signal.SIGKILL)


def next_write(context: str, world: World, rng: random.Random) -> Write:
    user = rng.choice(world.users)
    keyed = user | {"Idempotency-Key": uuid.uuid4().hex}
    tag = f"crash {uuid.uuid4().hex}"  # tells every write apart after the restart
    if context == "todos":
        return Write(context, PATHS[context], {"task": tag}, user)
    if context == "orders":
        products = rng.sample(world.products, k=rng.randint(1, len(world.products)))
        lines = [{"product_id": p, "quantity": rng.randint(1, 3)} for p in products]
        return Write(context, PATHS[context], {"lines": lines}, keyed)
    if context == "bookings":
        slot = rng.randrange(DAYS * SLOTS_A_DAY)
        start = FIRST_DAY + timedelta(days=slot // SLOTS_A_DAY, minutes=10 * (slot % SLOTS_A_DAY))
        body = {
            "patient_id": rng.choice(world.patients),
            "clinician_id": rng.choice(world.clinicians),
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=30)).isoformat(),
            "reason": tag,
        }
        admin = world.admin | {"Idempotency-Key": keyed["Idempotency-Key"]}
        return Write(context, PATHS[context], body, admin)
    room = rng.choice(world.rooms)
    body = {"text": tag, "client_id": uuid.uuid4().hex}
    return Write(context, f"/rooms/{room}/messages", body, user)


async def write_until_killed(
    http: httpx.AsyncClient, base_url: str, context: str, world: World, ledger: Ledger
) -> None:
    """One client: a write at a time, until the server is killed."""
    rng = random.Random()
    while not ledger.killed:
        write = next_write(context, world, rng)
        ledger.in_flight += 1
        try:
            response = await http.post(
                base_url + write.path, json=write.body, headers=write.headers
            )
        except httpx.TransportError:
            if not ledger.killed:
                raise
            ledger.unknown[context].append(write)
            return
        finally:
            ledger.in_flight -= 1
        if response.is_success:
            ledger.acknowledge(write, response.json())
            continue
        ledger.refused[(context, response.status_code, problem_code(response))] += 1
        if response.status_code == 429:
            await asyncio.sleep(0.2)


async def retry_unanswered(http: httpx.AsyncClient, base_url: str, ledger: Ledger) -> None:
    """Send each unanswered order, booking and message again, one at a time."""
    for context in RETRIED:
        for write in ledger.unknown[context]:
            answer = await http.post(base_url + write.path, json=write.body, headers=write.headers)
            assert (answer.status_code, problem_code(answer)) in RETRIED[context], answer.text
            ledger.retried[context].append((write, answer))


async def make_world(http: httpx.AsyncClient, base_url: str, admin: dict[str, str]) -> World:
    """Four users (joined to two rooms), three products, two clinicians working 08-18 UTC
    every day, six patients: all over HTTP, as a client would."""

    async def created(path: str, body: dict[str, Any], headers: dict[str, str]) -> str:
        response = await http.post(base_url + path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        made: str = response.json()["id"]
        return made

    async def user(role: str | None = None) -> tuple[str, dict[str, str]]:
        credentials = {"username": unique("crash"), "password": PASSWORD}
        user_id = await created("/register", credentials, {})
        if role is not None:
            url = f"{base_url}/users/{user_id}/role"
            changed = await http.put(url, json={"role": role}, headers=admin)
            assert changed.status_code == 200, changed.text
        login = await http.post(f"{base_url}/login", json=credentials)
        assert login.status_code == 200, login.text
        return user_id, {"Authorization": f"Bearer {login.json()['access_token']}"}

    users = [headers for _, headers in await asyncio.gather(*(user() for _ in range(4)))]
    rooms = [await created("/rooms", {"name": unique("room")}, admin) for _ in range(2)]
    joins = [http.post(f"{base_url}/rooms/{r}/join", headers=u) for r in rooms for u in users]
    assert {r.status_code for r in await asyncio.gather(*joins)} == {204}
    products = []
    for _ in range(3):
        sku = unique("CRASH-").upper()
        body = {"sku": sku, "name": sku, "price": "2.50", "on_hand": STOCK}
        products.append(await created("/products", body, admin))
    hours = {
        "time_zone": "UTC",
        "intervals": [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(7)],
    }
    clinicians = [user_id for user_id, _ in [await user("clinician") for _ in range(2)]]
    for clinician in clinicians:
        url = f"{base_url}/clinicians/{clinician}/working-hours"
        answer = await http.put(url, json=hours, headers=admin)
        assert answer.status_code == 200, answer.text
    patient = {"given": "Ada", "family": "Lovelace", "birth_date": "1990-12-10", "gender": "female"}
    patients = [await created("/patients", patient, admin) for _ in range(6)]
    return World(admin, users, products, clinicians, patients, rooms)
