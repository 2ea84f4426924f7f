"""Who is connected to a room now, on any server (presence)."""

from __future__ import annotations

from fastapi import Request
from pydantic import BaseModel

from entrypoints.http.chat.use_cases import chat_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId

router = protected_router(tags=["chat"])


class OnlineOut(BaseModel):
    user_id: str
    username: str


@router.get("/rooms/{room_id}/online", responses=responses(401, 404, 422))
async def list_online(room_id: PathId, request: Request) -> list[OnlineOut]:
    """The distinct users with an open socket in the room, by username."""
    users = await chat_use_cases(request).list_online().execute(caller(request), room_id)
    return [OnlineOut(user_id=user.user_id, username=user.username) for user in users]
