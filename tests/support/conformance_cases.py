"""What the conformance harness does to a case before it is sent: who sends it (a fresh
login for each case that carries credentials), and the values a positive case needs to
succeed that one link cannot carry (a free slot, the stocked product, feasible hours).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

import requests
from requests.structures import CaseInsensitiveDict
from schemathesis import AuthContext, Case
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from starlette.types import ASGIApp


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


USER = Credentials("conformance_user", "conformance user password 1")
ADMIN = Credentials("conformance_admin", "conformance admin password 1")
CLINICIAN = Credentials("conformance_clinician", "conformance clinician password 1")


def request_json(
    app: ASGIApp, method: str, path: str, body: dict[str, str] | None = None
) -> requests.Response:
    """A request through Schemathesis' ASGI transport (the loop the app runs on)."""
    # Schemathesis types ASGI messages as dicts, Starlette as mappings: the same apps.
    with asgi.get_client(cast(Any, app)) as client:
        return client.request(method, path, json=body)


def login(app: ASGIApp, who: Credentials) -> str:
    credentials = {"username": who.username, "password": who.password}
    response = request_json(app, "POST", "/login", credentials)
    if response.status_code != 200:
        # The harness's failure, not the API's: stop rather than send a bad token.
        raise RuntimeError(f"harness login of {who.username!r} failed: {response.text}")
    token = response.json()["access_token"]
    assert isinstance(token, str)
    return token


def fingerprint(case: Case[Any]) -> int:
    """A stable number from the case's own data (not a counter, not `hash()`), so Hypothesis
    replaying or shrinking a case makes the same choices for it each time."""
    data = repr((case.operation.label, case.path_parameters, case.query, case.body))
    return zlib.crc32(data.encode("utf-8", "backslashreplace"))


def identity_for_case(case: Case[Any]) -> Credentials:
    """A quarter of the cases run as the administrator, and three quarters of GET /users."""
    quarter = fingerprint(case) % 4 == 0
    if case.operation.label == "GET /users":
        return USER if quarter else ADMIN
    return ADMIN if quarter else USER


# Who sends each step of a stateful scenario: whoever the API lets do it, so that what one
# step makes is there for the next. The administrator runs the catalogue, takes payments and
# ships; the clinician keeps the records (only a clinician prescribes); the user buys, chats
# and keeps todos, and sees only their own orders, rooms and todos (anyone else's: a 404).
ADMIN_STEPS = frozenset(
    {
        "POST /products",
        "GET /products/{product_id}",
        "PATCH /products/{product_id}",
        "DELETE /products/{product_id}",
        "POST /products/{product_id}/stock",
        "POST /orders/{order_id}/pay",
        "POST /orders/{order_id}/ship",
        "POST /orders/{order_id}/deliver",
        "PUT /clinicians/{clinician_id}/working-hours",
        "GET /audit",
    }
)
CLINIC_PATHS = ("/patients", "/appointments", "/prescriptions", "/clinicians")


def identity_for_step(case: Case[Any]) -> Credentials:
    if case.operation.path.startswith("/users") or case.operation.label in ADMIN_STEPS:
        return ADMIN
    if case.operation.path.startswith(CLINIC_PATHS):
        return CLINICIAN
    return USER


# The clinician the harness gives working hours (every day, all day, UTC) in each scenario.
WORKING_HOURS = ("UTC", tuple((day, time(0, 0), time(23, 59)) for day in range(7)))
APPOINTMENT = timedelta(minutes=30)


def schedule_booking(case: Case[Any], clinician_id: str) -> None:
    """A positive POST /appointments books the harness's clinician, in the future, within
    their hours; its `patient_id` comes from a declared link (POST /patients).

    A link carries the values of one response, and a booking needs three: a patient, a
    clinician and a free time. The clinician and their hours are set up like the accounts
    (by the harness, not by a step), and random date-times are nearly always in the past.
    The slot is drawn from the generated body: a rerun books the same half hours.
    """
    meta = case._meta  # reading `case.meta` would revalidate the case before it is sent
    positive = meta is not None and meta.generation.mode is GenerationMode.POSITIVE
    if case.operation.label != "POST /appointments" or not positive:
        return
    if not isinstance(case.body, dict):
        return
    # Not `fingerprint(case)`: the patient's id differs from run to run, and a slot that
    # did (201 once, 409 the next) would change the scenario under Hypothesis' feet.
    drawn = {k: v for k, v in case.body.items() if k not in {"patient_id", "clinician_id"}}
    draw = zlib.crc32(repr(sorted(drawn.items())).encode("utf-8", "backslashreplace"))
    day = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    start = day + timedelta(days=1 + draw % 60) + APPOINTMENT * (draw // 60 % 24)
    case.body = {
        **case.body,
        "clinician_id": clinician_id,
        "start": start.isoformat(),
        "end": (start + APPOINTMENT).isoformat(),
    }


def stock_order(case: Case[Any], product_id: str) -> None:
    """A positive POST /orders buys one of the harness's product (active, in stock): a
    random product id never exists, and an order needs one that does before its chain
    (read, pay, ship, deliver, cancel) can be walked. Set up by the harness like the
    clinician, as a link carries one response's values and a step may not have made one."""
    meta = case._meta  # reading `case.meta` would revalidate the case before it is sent
    positive = meta is not None and meta.generation.mode is GenerationMode.POSITIVE
    if case.operation.label != "POST /orders" or not positive:
        return
    case.body = {"lines": [{"product_id": product_id, "quantity": 1}]}


def feasible_working_hours(case: Case[Any]) -> None:
    """A positive PUT /clinicians/{id}/working-hours names a real time zone: a generated
    string nearly never is one (422 unknown_time_zone), and the operation was never seen
    to succeed on a clinician made by an earlier step."""
    meta = case._meta  # reading `case.meta` would revalidate the case before it is sent
    positive = meta is not None and meta.generation.mode is GenerationMode.POSITIVE
    if case.operation.label != "PUT /clinicians/{clinician_id}/working-hours" or not positive:
        return
    case.body = {
        "time_zone": "UTC",
        "intervals": [{"weekday": 1, "start": "09:00", "end": "17:00"}],
    }


PENDING = "Bearer conformance-token-pending"


def set_authorization(case: Case[Any], value: str) -> None:
    if not isinstance(case.headers, MutableMapping):
        case.headers = CaseInsensitiveDict()
    case.headers["Authorization"] = value


def is_protected(case: Case[Any]) -> bool:
    return any(p.name == "Authorization" for p in case.operation.security.iter_parameters())


class PendingBearer:
    """Marks a protected operation's case as carrying credentials; `authenticate` fills them.

    Schemathesis asks auth providers when it generates a case, and it generates the
    examples and coverage cases at collection, before the app exists. Registering a
    provider still matters: Schemathesis then counts the credentials as supplied (so
    `ignored_auth` probes the operation without them and with invalid ones) and leaves a
    case alone when it deliberately omits or breaks the Authorization header.
    """

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        return PENDING if is_protected(case) else None

    def set(self, case: Case[Any], data: str, context: AuthContext) -> None:
        set_authorization(case, data)


def authenticate(case: Case[Any], app: ASGIApp, who: Credentials) -> str:
    """A fresh login for each case that carries pending credentials; who sent the case.

    Generated cases call POST /logout and PUT /users/me/password, which end sessions: one
    token for the whole run would turn every later case into a spurious 401.
    """
    if not isinstance(case.headers, Mapping) or case.headers.get("Authorization") != PENDING:
        return "no one (the case's own credentials, if any)"
    set_authorization(case, f"Bearer {login(app, who)}")
    return f"{who.username} (password {who.password!r}; the token expires in 15 minutes)"
