"""How a route learns who is calling, and reaches its use cases.

Routes call plain helpers instead of declaring `Depends(...)` parameters. Measured with
FastAPI 0.165 (bench/): each dependency FastAPI solves costs about 10 µs a request, and a
`Depends(Provide[...])` marker also hops to the threadpool. A plain call costs nothing and
keeps the container per app (no global wiring), so two apps in one process stay apart.
The caller of a protected route is authenticated by its route class (routing.py); a
context's routes reach only that context's use cases (http/<ctx>/use_cases.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

from entrypoints.http.routing import SECURITY_SCHEME, caller

__all__ = ["SECURITY_SCHEMES", "caller", "client_address", "context_use_cases"]

C = TypeVar("C")

# The OpenAPI scheme behind the Authorize button of /docs (the OAuth2 password form).
SECURITY_SCHEMES: dict[str, Any] = {
    SECURITY_SCHEME: {"type": "oauth2", "flows": {"password": {"tokenUrl": "login", "scopes": {}}}}
}


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def context_use_cases(name: str, kind: type[C]) -> Callable[[Request], C]:
    """How one context's routes reach its container (create_app puts each context's on
    `app.state.<name>`): `todo_use_cases(request).get_todo()` is a fresh use case."""

    def use_cases(request: Request) -> C:
        found: C = getattr(request.app.state, name)
        return found

    use_cases.__name__ = f"{name}_use_cases"
    return use_cases
