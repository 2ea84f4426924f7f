"""Schemathesis plumbing for tests/http/test_openapi_conformance.py.

The run is in-process: every request goes through Schemathesis' ASGI transport, which drives
the app on one shared event-loop thread. The harness's own requests (the logins) use the same
transport, so the app only ever runs on that loop.
"""

from __future__ import annotations

import copy
import re
import zlib
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote

import requests
import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis import AuthContext, Case, CheckContext, CheckFunction, Response
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.meta import CONTENT_TYPE_PROBES, coverage_scenario
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    ensure_resource_availability,
    positive_data_acceptance,
)
from starlette.types import ASGIApp

from application.shared.ids import ID_PATTERN

# Fixed, and Hypothesis is derandomized: a rerun draws the same cases.
SEED = 20260101
# Fuzzing examples per operation, positive and negative together (the examples and coverage
# phases add their own cases). With the stateful scenarios of the test module, the module
# takes about a minute on two cores when nothing fails.
MAX_EXAMPLES = 250


def make_config(*, seed: int = SEED, max_examples: int = MAX_EXAMPLES) -> schemathesis.Config:
    """Every check Schemathesis has (`checks` is left alone: all are enabled by default)."""
    return schemathesis.Config.from_dict(
        {
            "seed": seed,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {
                "max-examples": max_examples,
                "deterministic": True,  # Hypothesis' derandomize
                "database": "none",  # no example database under .hypothesis/
            },
            # A failure's curl command must carry the real body and token to be replayed.
            "output": {"sanitization": {"enabled": False}},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True},
            },
        }
    )


def with_bearer_scheme(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its OAuth2 password scheme restated as HTTP bearer.

    Both mean `Authorization: Bearer <token>` on the wire (RFC 6750), but Schemathesis 4
    derives the Authorization header only from `http`/`apiKey` schemes: with the `oauth2`
    one, `ignored_auth` has no credential to take away and the coverage phase never sends
    a protected operation without one. Nothing else in the document changes.
    """
    schemes = document["components"]["securitySchemes"]
    assert schemes == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {"password": {"tokenUrl": "login", "scopes": {}}},
        }
    }, f"security schemes changed; revisit with_bearer_scheme: {schemes}"
    restated = copy.deepcopy(document)
    restated["components"]["securitySchemes"] = {
        "OAuth2PasswordBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    }
    return restated


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


USER = Credentials("conformance_user", "conformance user password 1")
ADMIN = Credentials("conformance_admin", "conformance admin password 1")


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


def identity_for_step(case: Case[Any]) -> Credentials:
    """One identity per resource in a stateful scenario: a todo another user created is a
    404 by design, so the todo steps all run as the user; the user steps as the admin."""
    return ADMIN if case.operation.path.startswith("/users") else USER


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


def media_type_probe_status_documented(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> None:
    """`status_code_conformance` for the cases it leaves out on purpose: a body sent with a
    wrong or malformed Content-Type. Schemathesis only asks those not to be a server error;
    this API answers them (415, or 400) like any other request, so the answer is documented."""
    if coverage_scenario(case) not in CONTENT_TYPE_PROBES:
        return
    documented = {code.upper() for code in case.operation.responses.status_codes}
    status = str(response.status_code)
    if documented & {status, f"{status[0]}XX", "DEFAULT"}:
        return
    sent_as = response.request.headers.get("Content-Type", "")
    sent_as = sent_as.decode("latin-1") if isinstance(sent_as, bytes) else sent_as
    raise AssertionError(
        f"Undocumented status code for a body sent as Content-Type: {sent_as}\n"
        f"Received: {status}\nDocumented: {', '.join(sorted(documented))}"
    )


def validate(case: Case[Any], response: Response, sender: str, **kwargs: Any) -> None:
    """Every check on the response (plus ours), but the tolerated one (`tolerated_checks`)."""
    try:
        case.validate_response(
            response,
            excluded_checks=tolerated_checks(case, response),
            additional_checks=[media_type_probe_status_documented],
            **kwargs,
        )
    except FailureGroup as failure:
        failure.add_note(
            f"\nSent as {sender}. Schemathesis seed {SEED}, Hypothesis derandomized: rerunning"
            " this test sends the same cases."
        )
        raise


# 422s for rules a JSON Schema cannot state, by operation: the document describes them in
# words. A new password may not equal the username (two fields compared) or be one of
# 10,000 common ones; an order's lines must name products that exist and are active (the
# catalogue is data, not schema), each at most once (uniqueness of one field of an item).
DESCRIBED_RULES: dict[str, set[tuple[str, str | None]]] = {
    "POST /register": {("weak_password", "equals_username"), ("weak_password", "common_password")},
    "PUT /users/me/password": {
        ("weak_password", "equals_username"),
        ("weak_password", "common_password"),
    },
    "POST /orders": {
        ("unknown_product", None),
        ("inactive_product", None),
        ("duplicate_order_line", None),
    },
    # The clinic: a birth date not in the future, names not blank once trimmed; a time
    # zone in the IANA database, a day's intervals not overlapping; an appointment not in
    # the past, with an offset, ending after it starts, within 8 hours; reasons without
    # control characters.
    "POST /patients": {("invalid_patient", None)},
    "PUT /clinicians/{clinician_id}/working-hours": {
        ("unknown_time_zone", None),
        ("invalid_working_hours", None),
    },
    "POST /appointments": {("invalid_appointment_time", None), ("invalid_appointment", None)},
    "POST /appointments/{appointment_id}/status": {("invalid_appointment", None)},
    # The audit log: `from` and `to` with a UTC offset, `from` not after `to`.
    "GET /audit": {("invalid_audit_query", None)},
    # A prescription: texts not blank once trimmed, `valid_until` not in the past, a
    # medication code only with its system.
    "POST /prescriptions": {("invalid_prescription", None)},
}


# Any operation taking an Idempotency-Key: the key sent before with another body is a 422
# (IETF draft) that depends on earlier requests, which no schema can state.
KEY_REUSED = ("idempotency_key_reused", None)


def _sent_idempotency_key(case: Case[Any]) -> bool:
    return isinstance(case.headers, Mapping) and any(
        name.lower() == "idempotency-key" for name in case.headers
    )


_ID = re.compile(ID_PATTERN)


def _sent_a_bad_path_id(case: Case[Any]) -> bool:
    """Schemathesis (4.x fuzzing) now and then labels "positive" a path id that breaks the
    declared pattern (seen: "0#a\ufffd_7L" for `^[\x20-\x7e]{1,64}$`): the use case's
    invalid_id 422 is then the right answer, to data that was not schema-valid."""
    values = (case.path_parameters or {}).values()
    return any(isinstance(v, str) and not _ID.fullmatch(unquote(v)) for v in values)


# A 404 about an id in the body, not the path: the path's resource was found (the room
# just made), the user the body names was not. Schemathesis' link check reads any 404 after
# a create as "the created resource is gone"; the problem code says which one was missing.
BODY_REFERENCES = {"POST /rooms/{room_id}/members": {"user_not_found"}}


def _body_reference_missing(case: Case[Any], response: Response) -> bool:
    codes = BODY_REFERENCES.get(case.operation.label, set())
    if response.status_code != 404 or not codes:
        return False
    try:
        problem = response.json()
    except ValueError:
        return False
    return isinstance(problem, dict) and problem.get("code") in codes


def tolerated_checks(case: Case[Any], response: Response) -> list[CheckFunction]:
    """Checks not to apply to this response: `positive_data_acceptance` for a 422 refusing
    valid-looking data by a rule the document describes but cannot express, and
    `ensure_resource_availability` for a 404 naming a missing id of the body."""
    if _body_reference_missing(case, response):
        return [ensure_resource_availability]
    rules = DESCRIBED_RULES.get(case.operation.label, set())
    if _sent_a_bad_path_id(case):
        rules = rules | {("invalid_id", None)}
    if _sent_idempotency_key(case):
        rules = rules | {KEY_REUSED}
    if response.status_code != 422 or not rules:
        return []
    try:
        problem = response.json()
    except ValueError:
        return []
    if not isinstance(problem, dict):
        return []
    code, rule = problem.get("code"), problem.get("rule")
    described = (code, rule) in rules or (code, None) in rules
    return [positive_data_acceptance] if described else []
