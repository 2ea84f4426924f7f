"""Who opened the socket: a single-use ticket in the query (a browser cannot set headers
on a WebSocket), or a bearer token in the Authorization header (other clients)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import WebSocket

from application.shared.actor import Actor
from domain.shared.errors import DomainError
from entrypoints.containers.chat import ChatContainer
from entrypoints.http.routing import Authenticator
from entrypoints.ws.chat.connection import POLICY_VIOLATION, CloseSocket


async def authenticate(websocket: WebSocket) -> Actor:
    tickets = websocket.query_params.getlist("ticket")
    authorization = websocket.headers.getlist("authorization")
    try:
        if len(tickets) == 1 and not authorization:
            chat: ChatContainer = websocket.app.state.chat
            return await chat.redeem_ticket().execute(tickets[0])
        if len(authorization) == 1 and not tickets:
            scheme, _, token = authorization[0].partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                authenticator: Callable[[], Authenticator] = websocket.app.state.authenticator
                return await authenticator().execute(token.strip())
    except DomainError:
        pass
    raise CloseSocket(POLICY_VIOLATION, "authentication required")
