"""The OpenAPI links (entrypoints/http/links.py) reach every operation on an id.

The stateful conformance run follows only the links the document declares, so an
operation with a path parameter that no link fills is tested with random ids alone (404).
These tests walk the document: a new route on an id without a link fails here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

_PARAMETER = re.compile(r"\{([^}]+)\}")
_RESPONSE_BODY = re.compile(r"^\$response\.body#/([A-Za-z_]+)$")
_REQUEST_PATH = re.compile(r"^\$request\.path\.([A-Za-z_]+)$")

Operation = tuple[str, str, dict[str, Any]]  # (method, path, operation)


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _properties(document: dict[str, Any], response: dict[str, Any]) -> set[str]:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return set(schema.get("properties", {}))


def link_problems(document: dict[str, Any]) -> list[str]:
    """Every way the links fall short: an operation on an id that no link fills, a link to
    no operation, or a parameter taken from a field or a path the source lacks."""
    by_id = {op["operationId"]: (method, path, op) for method, path, op in operations(document)}
    problems, filled = [], set()
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                where = f"{method} {path} -> {status} -> {name}"
                if link.get("operationId") not in by_id:
                    problems.append(f"{where}: no operation {link.get('operationId')!r}")
                    continue
                _, target_path, _ = by_id[link["operationId"]]
                parameters = link.get("parameters", {})
                for expression in parameters.values():
                    field = _RESPONSE_BODY.match(expression)
                    source_path = _REQUEST_PATH.match(expression)
                    if field and field[1] not in _properties(document, response):
                        problems.append(f"{where}: the response has no {field[1]!r}")
                    elif source_path and source_path[1] not in _PARAMETER.findall(path):
                        problems.append(f"{where}: the path has no {source_path[1]!r}")
                    elif not field and not source_path:
                        problems.append(f"{where}: {expression!r} is not an id it knows")
                if set(_PARAMETER.findall(target_path)) <= set(parameters):
                    filled.add(link["operationId"])
    for method, path, operation in operations(document):
        if _PARAMETER.search(path) and operation["operationId"] not in filled:
            problems.append(f"{method} {path}: no link fills its path (entrypoints/http/links.py)")
    return problems


def test_every_operation_on_an_id_is_reached_by_a_link(app: FastAPI) -> None:
    assert link_problems(app.openapi()) == []


def test_a_new_operation_on_an_id_without_a_link_is_found(app: FastAPI) -> None:
    document = copy.deepcopy(app.openapi())
    document["paths"]["/todos/{todo_id}/archive"] = {
        "post": {"operationId": "archive_todo", "responses": {"204": {}}}
    }
    document["paths"]["/todos/{todo_id}"]["get"]["responses"]["200"]["links"] = {
        "broken": {"operationId": "get_todo", "parameters": {"todo_id": "$response.body#/nope"}}
    }

    assert link_problems(document) == [
        "GET /todos/{todo_id} -> 200 -> broken: the response has no 'nope'",
        "POST /todos/{todo_id}/archive: no link fills its path (entrypoints/http/links.py)",
    ]


def test_operation_ids_are_the_route_functions_names_and_unique(app: FastAPI) -> None:
    """Links name their targets by operationId: a stable one, which a path change keeps."""
    documented = [operation["operationId"] for _, _, operation in operations(app.openapi())]
    routes = [r for r in app.routes if isinstance(r, APIRoute) and r.include_in_schema]

    assert sorted(documented) == sorted(route.name for route in routes)
    assert len(set(documented)) == len(documented)
