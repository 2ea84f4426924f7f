"""What tests/e2e/test_crash_safety.py asserts after the restart: every acknowledged write
is there and whole, and nothing in the database is half-written. Over HTTP (what a client
reads back) and in the tables themselves (rows no route shows)."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from typing import Any

import httpx
from sqlalchemy import select

from adapters.sql.engine import create_engine
from adapters.sql.tables.chat import chat_messages, chat_rooms
from adapters.sql.tables.clinic import appointments, clinic_audit_events
from adapters.sql.tables.shop import order_lines, order_status_changes, orders
from adapters.sql.tables.todos import todos
from tests.e2e.crash_load import STOCK, Ledger, World, Write

HOLDING_STOCK = {"pending_payment", "paid"}  # what a placed, unshipped order is
ACTIVE = {"booked", "arrived", "checked-in"}  # an appointment holding its interval

Rows = list[dict[str, Any]]


async def table_rows(database_url: str) -> dict[str, Rows]:
    """The tables the load wrote (read once the load and the retries are over)."""
    tables = [todos, orders, order_lines, order_status_changes, appointments]
    tables += [clinic_audit_events, chat_messages, chat_rooms]
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return {
                table.name: [dict(r._mapping) for r in await connection.execute(select(table))]
                for table in tables
            }
    finally:
        await engine.dispose()


def told(ledger: Ledger, context: str) -> list[tuple[Write, dict[str, Any]]]:
    """The writes a client was told were done: acknowledged, or retried with a 2xx."""
    retried = [(w, r.json()) for w, r in ledger.retried[context] if r.is_success]
    return ledger.acked[context] + retried


def sent(ledger: Ledger, context: str, field: str) -> set[Any]:
    """`field` of every write the clients sent, answered or not."""
    writes = [w for w, _ in ledger.acked[context]] + ledger.unknown[context]
    return {w.body[field] for w in writes}


async def get_all(
    http: httpx.AsyncClient, base_url: str, paths: list[str], headers: list[dict[str, str]]
) -> list[dict[str, Any]]:
    answers = await asyncio.gather(
        *(http.get(base_url + p, headers=h) for p, h in zip(paths, headers, strict=True))
    )
    assert [a.status_code for a in answers] == [200] * len(paths), [a.text for a in answers]
    return [a.json() for a in answers]


async def check_todos(
    http: httpx.AsyncClient, base_url: str, ledger: Ledger, rows: dict[str, Rows]
) -> None:
    acked = ledger.acked["todos"]
    read = await get_all(
        http, base_url, [f"/todos/{a['id']}" for _, a in acked], [w.headers for w, _ in acked]
    )
    assert [r["task"] for r in read] == [w.body["task"] for w, _ in acked]
    # Whole: as acknowledged, field for field (but its url: the restarted server has
    # another port).
    assert [_without_url(r) for r in read] == [_without_url(a) for _, a in acked]
    # The rest: unanswered ones, each there once or not at all (a fresh database).
    tasks = [r["task"] for r in rows["todos"]]
    assert set(tasks) <= sent(ledger, "todos", "task")
    assert len(set(tasks)) == len(tasks)


def _without_url(todo: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in todo.items() if k != "url"}


async def check_orders(
    http: httpx.AsyncClient, base_url: str, world: World, ledger: Ledger, rows: dict[str, Rows]
) -> None:
    acked = ledger.acked["orders"]
    read = await get_all(
        http, base_url, [f"/orders/{a['id']}" for _, a in acked], [world.admin] * len(acked)
    )
    assert [(r["id"], r["lines"], r["status"]) for r in read] == [
        (a["id"], a["lines"], "pending_payment") for _, a in acked
    ]
    # After the retries, the orders are exactly those a client was told of (an order
    # committed without its answer was replayed to its retry, never placed twice), each
    # with every line as sent: not one line more or fewer.
    told_of = {answer["id"]: write for write, answer in told(ledger, "orders")}
    assert {o["id"] for o in rows["orders"]} == set(told_of)
    lines = defaultdict(list)
    for line in sorted(rows["order_lines"], key=lambda line: int(line["line_no"])):
        lines[line["order_id"]].append((line["product_id"], line["quantity"]))
    changes = {change["order_id"] for change in rows["order_status_changes"]}
    held: dict[str, int] = defaultdict(int)
    for order in rows["orders"]:
        sent_lines = [(x["product_id"], x["quantity"]) for x in told_of[order["id"]].body["lines"]]
        assert lines[order["id"]] == sent_lines, order["id"]
        assert order["id"] in changes, f"order {order['id']} has no history"
        if order["status"] in HOLDING_STOCK:
            for product_id, quantity in lines[order["id"]]:
                held[product_id] += quantity
    products = await get_all(
        http, base_url, [f"/products/{p}" for p in world.products], [world.admin] * 3
    )
    assert [(p["on_hand"], p["reserved"]) for p in products] == [
        (STOCK, held[p]) for p in world.products
    ]


async def check_bookings(
    http: httpx.AsyncClient, base_url: str, world: World, ledger: Ledger, rows: dict[str, Rows]
) -> None:
    acked = ledger.acked["bookings"]
    read = await get_all(
        http, base_url, [f"/appointments/{a['id']}" for _, a in acked], [world.admin] * len(acked)
    )
    assert read == [a for _, a in acked]
    # A booking commits with its audit event: none stored without it.
    created = {
        e["entity_id"]
        for e in rows["clinic_audit_events"]
        if (e["action"], e["outcome"]) == ("C", "success")
    }
    assert {r["id"] for r in rows["appointments"]} <= created
    # Exactly the bookings a client was told of (after the retries), each as it was sent.
    told_of = {answer["id"]: write for write, answer in told(ledger, "bookings")}
    assert {r["id"] for r in rows["appointments"]} == set(told_of)
    for row in rows["appointments"]:
        sent_as = told_of[row["id"]].body
        stored = (row["reason"], row["start"].isoformat(), row["end"].isoformat())
        assert stored == (sent_as["reason"], sent_as["start"], sent_as["end"]), row["id"]
    active = [r for r in rows["appointments"] if r["status"] in ACTIVE]
    for person in ("clinician_id", "patient_id"):
        held = defaultdict(list)
        for row in active:
            held[row[person]].append((row["start"], row["end"]))
        for intervals in held.values():
            intervals.sort()
            for (_, end), (start, _) in itertools.pairwise(intervals):
                assert end <= start, f"overlapping appointments of one {person}: {intervals}"


async def check_messages(
    http: httpx.AsyncClient, base_url: str, world: World, ledger: Ledger, rows: dict[str, Rows]
) -> None:
    stored: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for message in rows["chat_messages"]:
        stored[message["room_id"]][message["id"]] = message
    last = {room["id"]: room["last_message_id"] for room in rows["chat_rooms"]}
    for room in world.rooms:
        ids = sorted(stored[room])
        assert ids == list(range(1, len(ids) + 1)), f"gaps in room {room}'s ids"
        assert last[room] == len(ids)  # the counter the next post takes its id from
    # Exactly the messages a client was told of (after the retries: a stored client_id
    # answers 200 with the message it stored, never a second one).
    posted = told(ledger, "messages")
    assert sorted(
        (m["room_id"], m["id"]) for room in world.rooms for m in stored[room].values()
    ) == sorted((a["room_id"], a["id"]) for _, a in posted)
    for write, answer in posted:
        room = write.path.split("/")[2]
        kept = stored[room].get(answer["id"])
        assert kept is not None, f"acknowledged message {answer['id']} of {room} lost"
        assert (kept["text"], kept["client_id"]) == (
            write.body["text"],
            write.body["client_id"],
        )
    for room in world.rooms:  # over HTTP too, in id order
        page = await http.get(
            f"{base_url}/rooms/{room}/messages",
            params={"after": 0, "limit": 100},
            headers=world.admin,
        )
        assert page.status_code == 200, page.text
        assert page.json()["last_id"] == last[room]
        ids = [m["id"] for m in page.json()["items"]]
        assert ids == list(range(1, min(100, last[room]) + 1))
