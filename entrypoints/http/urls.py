from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request


def base_url(request: Request) -> str:
    """Where absolute URLs start, without a trailing slash: CASEWORKS_PUBLIC_URL when set,
    else scheme://host/root_path of this request. The Host was checked against the allowed
    hosts before any route ran, and the scheme comes from a trusted proxy or the socket.

    `request.base_url` gives the same, but builds and parses a URL object each call (a
    measurable share of a small request); the ASGI scope already has every part.
    """
    public: str = request.app.state.public_url
    if public:
        return public
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


def this_url(request: Request, **query: object) -> str:
    """This request's absolute URL with some query parameters replaced."""
    root, path = request.scope.get("root_path", ""), request.scope["path"]
    params = dict(request.query_params) | {name: str(value) for name, value in query.items()}
    return f"{base_url(request)}{path.removeprefix(root)}?{urlencode(params)}"
