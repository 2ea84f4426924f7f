"""Schemathesis plumbing for tests/http/test_openapi_conformance.py: its configuration, the
document as tested, the checks and what they tolerate (who sends each case and what it
carries: conformance_cases.py).

The run is in-process: every request goes through Schemathesis' ASGI transport, which drives
the app on one shared event-loop thread. The harness's own requests (the logins) use the same
transport, so the app only ever runs on that loop.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

import schemathesis
from schemathesis import Case, CheckContext, CheckFunction, Response
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.meta import CONTENT_TYPE_PROBES, coverage_scenario
from schemathesis.generation.stateful.state_machine import normalize_name
from schemathesis.specs.openapi.checks import (
    ensure_resource_availability,
    negative_data_rejection,
    positive_data_acceptance,
    use_after_free,
)
from schemathesis.specs.openapi.stateful import OpenAPIStateMachine

from application.shared.ids import ID_PATTERN

# Fixed, and Hypothesis is derandomized: a rerun draws the same cases.
SEED = 20260101
# Fuzzing examples per operation, positive and negative together (the examples and coverage
# phases add their own cases). With the stateful scenarios of the test module, the module
# takes about five minutes on two cores when nothing fails.
MAX_EXAMPLES = 250
STATEFUL_MAX_STEPS = 20


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
                # Only the links the document declares (entrypoints/http/links.py): what a
                # client reads is what is tested, and a route without one fails
                # tests/http/test_openapi_links.py instead of being guessed at here.
                "stateful": {
                    "enabled": True,
                    "inference": {"algorithms": []},
                    # Deep enough for product -> order -> pay -> ship -> deliver, with detours.
                    "max-steps": STATEFUL_MAX_STEPS,
                },
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


def with_whole_link_bodies(document: dict[str, Any]) -> dict[str, Any]:
    """The document with each link whose request body holds a list, or every field its
    target requires, marked to be sent whole (OpenAPI: the link's body is the body).

    Schemathesis merges a link's body into a generated one, lists item by item, keeping the
    generated items past the link's: an order would carry the created product and a dozen
    random ones (422 unknown_product), never the one line the link means; a prescription
    would keep a random `valid_until` in the past. A link naming only ids stays merged.
    """
    marked = copy.deepcopy(document)
    targets = {
        operation["operationId"]: operation
        for item in marked["paths"].values()
        for operation in item.values()
    }
    for operation in targets.values():
        for response in operation.get("responses", {}).values():
            for link in response.get("links", {}).values():
                body = link.get("requestBody")
                if isinstance(body, dict) and (
                    any(isinstance(value, list) for value in body.values())
                    or set(_required(marked, targets[link["operationId"]])) <= set(body)
                ):
                    link["x-schemathesis"] = {"merge_body": False}
    return marked


def _required(document: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    reference = schema.get("schema", {}).get("$ref", "")
    found = document["components"]["schemas"].get(reference.rsplit("/", 1)[-1], {})
    required: list[str] = found.get("required", [""])  # no schema: never whole
    return required


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
    "PATCH /patients/{patient_id}": {("invalid_patient", None)},
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


def _sent_header(case: Case[Any], lowercase_name: str) -> bool:
    return isinstance(case.headers, Mapping) and any(
        name.lower() == lowercase_name for name in case.headers
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


def _left_private_room(case: Case[Any], response: Response) -> bool:
    """A private room is seen by its members only: after its creator left it (another
    step of the scenario, POST /rooms/{room_id}/leave) it is a 404 to them, by design."""
    return response.status_code == 404 and case.operation.path.startswith("/rooms/{room_id}")


def _body_reference_missing(case: Case[Any], response: Response) -> bool:
    codes = BODY_REFERENCES.get(case.operation.label, set())
    if response.status_code != 404 or not codes:
        return False
    try:
        problem = response.json()
    except ValueError:
        return False
    return isinstance(problem, dict) and problem.get("code") in codes


# Items whose DELETE deactivates, as the document says ("Deleting is deactivating"): the
# administrator still reads and changes the product (`active: false`, or active again), so
# a 2xx after the DELETE is no use after free. Everyone else gets a 404 (the product tests).
DEACTIVATED_BY_DELETE = ("/products/{product_id}",)


def tolerated_checks(case: Case[Any], response: Response) -> list[CheckFunction]:
    """Checks not to apply to this response: `positive_data_acceptance` for a 422 refusing
    valid-looking data by a rule the document describes but cannot express,
    `ensure_resource_availability` for a 404 naming a missing id of the body, and
    `use_after_free` on an item that a DELETE deactivates."""
    if _body_reference_missing(case, response) or _left_private_room(case, response):
        return [ensure_resource_availability]
    if case.operation.path.startswith(DEACTIVATED_BY_DELETE) and response.status_code < 300:
        return [use_after_free]
    if response.status_code == 412 and _sent_header(case, "if-match"):
        # An If-Match naming no current version of the item is a 412 (RFC 9110 §13.1.1,
        # documented): whether a tag is current depends on earlier requests, not on schema,
        # and it may be answered before the content is read (§13.2.1), bad content too.
        return [positive_data_acceptance, negative_data_rejection]
    rules = DESCRIBED_RULES.get(case.operation.label, set())
    if _sent_a_bad_path_id(case):
        rules = rules | {("invalid_id", None)}
    if _sent_header(case, "idempotency-key"):
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


def drop_random_id_roots(machine: type[OpenAPIStateMachine], labels: Iterable[str]) -> None:
    """Start no scenario with an operation on an id (`POST /orders/{order_id}/pay`).

    Schemathesis starts scenarios with any POST that has links out, so every action would
    also be sent, as a first step, with a random id: a 404, which the per-operation tests
    already send hundreds of times, at the cost of the steps that follow the links. Here a
    scenario starts with a create, and every id comes from a link.
    """
    on_ids = {normalize_name(f"RANDOM -> {label}"): label for label in labels if "{" in label}
    dropped = machine.root_rules & on_ids.keys()
    for name in dropped:
        setattr(machine, name, None)  # Hypothesis collects a machine's rules by attribute
    machine.root_rules = machine.root_rules - dropped
    # The roots Schemathesis spreads its first steps over: a dropped one, never called,
    # would hold every other back (its TransitionController) and end the scenario.
    machine._root_labels = machine._root_labels - {on_ids[name] for name in dropped}
