from __future__ import annotations

from fastapi import Request


def base_url(request: Request) -> str:
    """scheme://host[:port]/root_path without a trailing slash.

    `request.base_url` gives the same, but builds and parses a URL object each call (a
    measurable share of a small request); the ASGI scope already has every part.
    """
    scope = request.scope
    host = None
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1")
            break
    if not host:
        server_host, port = scope.get("server") or ("localhost", None)
        host = f"{server_host}:{port}" if port else server_host
    return f"{scope['scheme']}://{host}{scope.get('root_path', '')}"
