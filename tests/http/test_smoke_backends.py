"""The main flows end to end over HTTP, on every backend: memory, SQLite and PostgreSQL.

The rest of tests/http runs once, on memory: what it tests is the edge, the same on every
storage, and storage behaviour is the contract suites' (tests/contract). These few walks
check that each backend is wired into the app and round-trips what the API returns
(timestamps to the microsecond, 32-bit orders, non-ASCII text, paging headers).
PostgreSQL runs when CASEWORKS_TEST_POSTGRES_URL is set (tests/conftest.py), on a database
emptied before each test.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from entrypoints.container import Container, build_container
from tests.http.clinic_helpers import DAY, add_patient, at, book, clinician, user
from tests.http.conftest import (
    PASSWORD,
    SignUp,
    app_settings,
    assert_problem,
    assert_unauthorized,
    bearer,
    login,
    make_container,
    register,
)
from tests.support.storage import truncate_postgres

NEW_PASSWORD = "a brand new passphrase 42"
NEXT_LINK = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')
ORDER_MAX, ORDER_MIN = 2**31 - 1, -(2**31)


@pytest.fixture
def storage(storage_backend: tuple[str, str | None]) -> str:
    """memory, sqlite or postgres (tests/conftest.py's `storage_backend`)."""
    return storage_backend[0]


@pytest.fixture
async def container(
    storage_backend: tuple[str, str | None], tmp_path: Path, sqlite_template: Path
) -> Container:
    """The container of tests/http/conftest.py, or one on an emptied PostgreSQL database.

    The `app` fixture closes it (pools included) when the test ends.
    """
    storage, postgres_url = storage_backend
    if postgres_url is None:
        return make_container(tmp_path, sqlite_template, storage)
    settings = app_settings(postgres_url)
    container = build_container(settings)
    assert container.config.backend() == "postgresql"
    await truncate_postgres(container.engine())
    return container


def next_url(response: httpx.Response) -> str | None:
    link = response.headers.get("Link")
    if link is None:
        return None
    match = NEXT_LINK.match(link)
    assert match, link
    return match["url"]


async def test_readiness(client: httpx.AsyncClient) -> None:
    for path in ("/health/live", "/health/ready"):
        response = await client.get(path)
        assert response.status_code == 200, response.text
        assert response.json() == {"status": "ok"}


async def test_account_lifecycle(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/register",
        json={"username": "Alice", "password": PASSWORD, "email": "alice@example.org"},
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert created.headers["location"].endswith(f"/users/{user['id']}")
    taken = await client.post("/register", json={"username": "aLICE", "password": PASSWORD})
    assert_problem(taken, 409, "username_taken")

    # Login (JSON, and the OAuth2 form with the name in another case), then who am I.
    first = await login(client, "alice")
    form = await client.post(
        "/login", data={"grant_type": "password", "username": "ALICE", "password": PASSWORD}
    )
    assert form.status_code == 200, form.text
    other = form.json()
    me = await client.get("/users/me", headers=bearer(first))
    assert me.status_code == 200
    assert me.json() == user  # created_at round-trips to the microsecond
    assert (await client.get(created.headers["location"], headers=bearer(first))).json() == user

    # Refresh rotates; replaying the rotated token ends that session's family only.
    rotated = await client.post("/token/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    current = rotated.json()
    assert current["refresh_token"] != first["refresh_token"]
    assert (await client.get("/users/me", headers=bearer(current))).status_code == 200
    replayed = await client.post("/token/refresh", json={"refresh_token": first["refresh_token"]})
    assert_unauthorized(replayed)
    assert_unauthorized(await client.get("/users/me", headers=bearer(current)))
    assert (await client.get("/users/me", headers=bearer(other))).status_code == 200

    # Logout ends that session: its access and refresh tokens are refused.
    third = await login(client, "alice")
    assert (await client.post("/logout", headers=bearer(other))).status_code == 204
    assert_unauthorized(await client.get("/users/me", headers=bearer(other)))
    assert_unauthorized(
        await client.post("/token/refresh", json={"refresh_token": other["refresh_token"]})
    )

    # Changing the password keeps this session, ends the others, retires the old password.
    fourth = await login(client, "alice")
    wrong = await client.put(
        "/users/me/password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers=bearer(third),
    )
    assert_problem(wrong, 403, "wrong_current_password")
    changed = await client.put(
        "/users/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(third),
    )
    assert changed.status_code == 204, changed.text
    assert (await client.get("/users/me", headers=bearer(third))).status_code == 200
    assert_unauthorized(await client.get("/users/me", headers=bearer(fourth)))
    old = await client.post("/login", json={"username": "alice", "password": PASSWORD})
    assert_unauthorized(old)
    assert (await login(client, "alice", NEW_PASSWORD))["token_type"] == "bearer"


async def test_admin_lists_users_in_pages(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    for name in ("alice", "bob", "carol"):
        await register(client, name)

    everyone = await client.get("/users", headers=admin_headers)
    page = await client.get("/users", params={"limit": 2, "offset": 1}, headers=admin_headers)

    assert everyone.status_code == 200
    assert [u["username"] for u in everyone.json()] == ["root", "alice", "bob", "carol"]
    assert everyone.headers["x-total-count"] == "4"
    assert page.json() == everyone.json()[1:3]
    assert page.headers["x-total-count"] == "4"


async def test_an_admin_changes_roles_for_the_next_request(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    alice_id = (await client.get("/users/me", headers=alice)).json()["id"]
    root_id = (await client.get("/users/me", headers=admin_headers)).json()["id"]

    granted = await client.put(
        f"/users/{alice_id}/role", json={"role": "admin"}, headers=admin_headers
    )
    assert (granted.status_code, granted.json()["role"]) == (200, "admin")
    assert (await client.get("/users", headers=alice)).status_code == 200  # the same token
    stepped_down = await client.put(
        f"/users/{root_id}/role", json={"role": "clinician"}, headers=admin_headers
    )
    assert stepped_down.json()["role"] == "clinician"
    last = await client.put(f"/users/{alice_id}/role", json={"role": "user"}, headers=alice)
    assert_problem(last, 409, "last_admin")
    assert_problem(await client.get("/users", headers=admin_headers), 403, "forbidden")


async def test_todo_lifecycle(client: httpx.AsyncClient, signed_up: SignUp) -> None:
    alice = await signed_up("alice")

    # Create, then read back exactly what create returned.
    created = await client.post(
        "/todos/", json={"task": "  Écrire ✓ ", "order": ORDER_MAX}, headers=alice
    )
    assert created.status_code == 201, created.text
    todo = created.json()
    assert created.headers["location"] == todo["url"]
    assert (todo["task"], todo["order"], todo["completed"]) == ("Écrire ✓", ORDER_MAX, False)
    assert (await client.get(todo["url"], headers=alice)).json() == todo

    # PUT replaces every field; PATCH changes only the given ones.
    body = {"task": "Walk dog", "completed": True, "order": ORDER_MIN}
    put = await client.put(todo["url"], json=body, headers=alice)
    assert put.status_code == 200, put.text
    replaced = put.json()
    assert {key: replaced[key] for key in body} == body
    assert replaced["completed_at"] is not None
    assert replaced["created_at"] == todo["created_at"]
    assert (await client.get(todo["url"], headers=alice)).json() == replaced
    patch = await client.patch(todo["url"], json={"completed": False, "order": None}, headers=alice)
    assert patch.status_code == 200, patch.text
    patched = patch.json()
    assert (patched["task"], patched["completed"], patched["order"]) == ("Walk dog", False, None)
    assert patched["completed_at"] is None
    assert (await client.get(todo["url"], headers=alice)).json() == patched

    # A list in pages: the total, and a Link to the next page until the last one.
    for task, completed in (("b", True), ("c", False), ("d", True)):
        response = await client.post(
            "/todos/", json={"task": task, "completed": completed}, headers=alice
        )
        assert response.status_code == 201, response.text
    seen: list[str] = []
    url: str | None = "/todos/?limit=3&sort=task"
    while url is not None:
        page = await client.get(url, headers=alice)
        assert page.status_code == 200
        assert page.headers["X-Total-Count"] == "4"
        seen += [t["task"] for t in page.json()]
        url = next_url(page)
    assert seen == ["Walk dog", "b", "c", "d"]
    done = await client.get("/todos/", params={"completed": "true"}, headers=alice)
    assert [t["task"] for t in done.json()] == ["b", "d"]
    assert done.headers["X-Total-Count"] == "2"

    # Delete one, then the completed ones, then all.
    assert (await client.delete(todo["url"], headers=alice)).status_code == 204
    assert_problem(await client.get(todo["url"], headers=alice), 404, "todo_not_found")
    cleared = await client.delete("/todos/", params={"completed": "true"}, headers=alice)
    assert cleared.status_code == 204
    assert [t["task"] for t in (await client.get("/todos/", headers=alice)).json()] == ["c"]
    assert (await client.delete("/todos/", headers=alice)).status_code == 204
    empty = await client.get("/todos/", headers=alice)
    assert empty.json() == []
    assert empty.headers["X-Total-Count"] == "0"


async def test_another_users_todo_is_not_found(
    client: httpx.AsyncClient, signed_up: SignUp
) -> None:
    alice, bob = await signed_up("alice"), await signed_up("bob")
    todo = (await client.post("/todos/", json={"task": "Alice's"}, headers=alice)).json()

    for method, body in (("GET", None), ("PATCH", {"task": "Bob's now"}), ("DELETE", None)):
        response = await client.request(method, todo["url"], json=body, headers=bob)
        assert_problem(response, 404, "todo_not_found")
    assert (await client.delete("/todos/", headers=bob)).status_code == 204

    assert (await client.get(todo["url"], headers=alice)).json() == todo
    listed = await client.get("/todos/", headers=bob)
    assert listed.json() == []
    assert listed.headers["X-Total-Count"] == "0"


async def test_clinic_walk(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    """A clinician (role round-trips), a linked patient, hours, a booking, a clash naming
    it, the free slots without it, a cancel that frees the slot for another booking."""
    doctor_id, doctor = await clinician(client, container, admin_headers, "drhouse")
    me = await client.get("/users/me", headers=doctor)
    assert me.json()["role"] == "clinician"
    alice_id, alice = await user(client, "alice")
    patient = await add_patient(client, doctor, user_id=alice_id, given="Zoë", identifier="M-1")
    read = await client.get(f"/patients/{patient['id']}", headers=alice)
    assert read.json() == patient

    booked = await book(client, alice, patient["id"], doctor_id, at(9), at(9, 45))
    assert booked.status_code == 201, booked.text
    appointment = booked.json()
    assert appointment["start"] == at(9).replace("+00:00", "Z")
    other = await add_patient(client, doctor, given="Grace")
    clash = await book(client, doctor, other["id"], doctor_id, at(9, 30), at(10))
    assert assert_problem(clash, 409, "slot_taken")["appointment_id"] == appointment["id"]
    back_to_back = await book(client, doctor, other["id"], doctor_id, at(9, 45), at(10))
    assert back_to_back.status_code == 201, back_to_back.text

    params = {"date": DAY.isoformat(), "duration": "15"}
    free = await client.get(f"/clinicians/{doctor_id}/availability", params=params, headers=alice)
    assert len(free.json()["slots"]) == 40 - 4

    url = f"/appointments/{appointment['id']}"
    assert (await client.get(url, headers=alice)).json() == appointment
    cancelled = await client.post(f"{url}/cancel", headers=alice)
    assert cancelled.json()["status"] == "cancelled"
    again = await book(client, doctor, other["id"], doctor_id, at(9), at(9, 30))
    assert again.status_code == 201, again.text
