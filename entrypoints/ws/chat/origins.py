"""Which pages may open a socket. A browser sends its page's Origin with the handshake and
the socket carries no CORS check of its own, so without this any site a signed-in user
visits could talk to the chat as them (cross-site WebSocket hijacking)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.websockets import WebSocket


def _normalised(origin: str) -> str:
    parts = urlsplit(origin.strip().lower())
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    port = parts.port if parts.port not in (None, default_port) else None
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def own_origins(websocket: WebSocket, public_url: str | None) -> set[str]:
    """The server's own origin: its public URL when configured, else the Host it was
    reached by (checked against the allowed hosts before any route runs)."""
    if public_url:
        return {_normalised(public_url)}
    host = websocket.headers.get("host", "")
    return {_normalised(f"{scheme}://{host}") for scheme in ("http", "https")}


def origin_allowed(websocket: WebSocket, allowed: Iterable[str], public_url: str | None) -> bool:
    """No Origin (a non-browser client) is allowed: it has no page to be tricked into
    sending one, and its credentials are its own."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    if len(websocket.headers.getlist("origin")) != 1:
        return False
    candidates = own_origins(websocket, public_url) | {_normalised(o) for o in allowed}
    return _normalised(origin) in candidates
