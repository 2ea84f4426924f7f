"""OpenAPI links: where the id an operation answers with is used next (OpenAPI 3.1 §4.8.20).

A client reading the document learns that `POST /orders` answers with the `id` that
`GET /orders/{order_id}`, `POST /orders/{order_id}/pay`... take, and Schemathesis' stateful
phase follows the same links, so every operation on an item is tested with an id that
exists (tests/http/test_openapi_conformance.py).

What is declared here is small: which operation makes the item a path addresses (ITEMS),
and which request bodies name an item another operation made (BODY_LINKS). The links are
derived from it: the maker to every operation under the item's path, and every change of
an item (`POST /orders/{order_id}/pay`) to the other operations on that item, so actions
chain (pay, then ship, then deliver). Links name operations by operationId, which is the
route function's name (routing.py), so a moved path keeps its links. A new operation
with a path parameter and no link fails tests/http/test_openapi_links.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ID = "$response.body#/id"

# The operation that makes an item (answering with its `id`) -> the path of that item.
# A user made clinician (PUT /users/{user_id}/role) is also addressed as a clinician.
ITEMS: Mapping[str, str] = {
    "create_todo": "/todos/{todo_id}",
    "register": "/users/{user_id}",
    "change_role": "/clinicians/{clinician_id}",
    "create_product": "/products/{product_id}",
    "place_order": "/orders/{order_id}",
    "create_patient": "/patients/{patient_id}",
    "book_appointment": "/appointments/{appointment_id}",
    "prescribe": "/prescriptions/{prescription_id}",
    "create_room": "/rooms/{room_id}",
}


@dataclass(frozen=True)
class BodyLink:
    """`source`'s answer names an item that `target`'s request body (and path) refer to."""

    source: str
    target: str
    body: Any
    parameters: Mapping[str, str] = field(default_factory=dict)


BODY_LINKS: tuple[BodyLink, ...] = (
    BodyLink("create_product", "place_order", {"lines": [{"product_id": ID, "quantity": 1}]}),
    BodyLink("adjust_stock", "place_order", {"lines": [{"product_id": ID, "quantity": 1}]}),
    # A user just registered is made a clinician (the clinic's staff are users first),
    BodyLink("register", "change_role", {"role": "clinician"}, {"user_id": ID}),
    # and a user just made a clinician gets working hours (a literal body: a weekday, 9 to 5).
    BodyLink(
        "change_role",
        "set_working_hours",
        {"time_zone": "UTC", "intervals": [{"weekday": 0, "start": "09:00:00", "end": "17:00:00"}]},
        {"clinician_id": ID},
    ),
    # A prescription for the patient just recorded (a literal body but for the patient).
    BodyLink(
        "create_patient",
        "prescribe",
        {
            "patient_id": ID,
            "medication": "Amoxicillin 500 mg capsule",
            "dosage_instruction": "One capsule three times a day for 7 days",
            "quantity": 21,
        },
    ),
    BodyLink("create_patient", "book_appointment", {"patient_id": ID}),
    # A status move each allows right after it is made: an appointment just booked, the
    # patient arrived; a prescription just written (active unless drafted), put on hold.
    BodyLink(
        "book_appointment",
        "change_appointment_status",
        {"status": "arrived"},
        {"appointment_id": ID},
    ),
    BodyLink(
        "prescribe",
        "change_prescription_status",
        {"status": "on-hold"},
        {"prescription_id": ID},
    ),
    # A room's creator is one of its members: inviting them again is a no-op (204).
    BodyLink(
        "create_room",
        "invite_member",
        {"user_id": "$response.body#/created_by"},
        {"room_id": ID},
    ),
)


@dataclass(frozen=True)
class _Operation:
    path: str
    method: str
    body: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.body["operationId"])

    @property
    def success(self) -> str | None:
        """The status code of its success (the lowest 2xx it documents)."""
        codes = sorted(code for code in self.body.get("responses", {}) if code.startswith("2"))
        return codes[0] if codes else None


def _operations(document: Mapping[str, Any]) -> Iterator[_Operation]:
    for path, item in document["paths"].items():
        for method, body in item.items():
            yield _Operation(path, method, body)


_PARAMETER = re.compile(r"\{([^}]+)\}")


def _under(path: str, item: str) -> bool:
    return path == item or path.startswith(item + "/")


def add_links(document: dict[str, Any]) -> None:
    """Add the links ITEMS and BODY_LINKS declare to the document's 2xx responses."""
    operations = {operation.id: operation for operation in _operations(document)}
    for maker, item in ITEMS.items():
        parameter = _PARAMETER.findall(item)[-1]
        on_item = [op for op in operations.values() if _under(op.path, item)]
        for target in on_item:
            _link(operations[maker], target, {parameter: ID})
        for source in on_item:
            if source.method == "get":
                continue  # a read changes nothing another step would see
            for target in on_item:
                if target is not source:
                    _link(source, target, {parameter: f"$request.path.{parameter}"})
    for declared in BODY_LINKS:
        target = operations[declared.target]
        _link(operations[declared.source], target, dict(declared.parameters), declared.body)


def _link(
    source: _Operation, target: _Operation, parameters: dict[str, str], body: Any = None
) -> None:
    status = source.success
    assert status is not None, f"{source.id} documents no success to link from"
    links = source.body["responses"][status].setdefault("links", {})
    name = _link_name(target.id, links)
    link: dict[str, Any] = {"operationId": target.id}
    if parameters:
        link["parameters"] = parameters
    if body is not None:
        link["requestBody"] = body
    links[name] = link


def _link_name(target: str, taken: Mapping[str, Any]) -> str:
    """`pay_order`, or `pay_order_2` for a second link to it from the same response."""
    name, suffix = target, 2
    while name in taken:
        name, suffix = f"{target}_{suffix}", suffix + 1
    return name
