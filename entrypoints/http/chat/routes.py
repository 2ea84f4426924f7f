"""The chat's HTTP routes: rooms, members, history, posting, and WebSocket tickets. A
private room is a 404 to anyone not in it; a public room is read by anyone signed in and
posted in by its members (403 not_a_member)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response, status

from application.chat.use_cases.messages import MESSAGE_ID_MAX, READ_LIMIT_MAX
from application.shared.paging import MAX_LIMIT, MAX_OFFSET
from entrypoints.http.chat import online
from entrypoints.http.chat.schemas import (
    MemberIn,
    MemberOut,
    MessageIn,
    MessageOut,
    MessagesOut,
    RoomCreate,
    RoomOut,
    TicketOut,
)
from entrypoints.http.chat.use_cases import chat_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.urls import base_url

router = protected_router(tags=["chat"])

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
MessageId = Annotated[int | None, Query(ge=0, le=MESSAGE_ID_MAX)]
ROOM_ERRORS = responses(401, 404, 422)


@router.post("/rooms", status_code=status.HTTP_201_CREATED, responses=responses(401, 422))
async def create_room(body: RoomCreate, request: Request, response: Response) -> RoomOut:
    """The creator is its first member. A private room is seen by its members alone."""
    room = (
        await chat_use_cases(request)
        .create_room()
        .execute(caller(request), body.name, body.private)
    )
    response.headers["Location"] = f"{base_url(request)}/rooms/{room.id}"
    return RoomOut.of(room, member=True)


@router.get("/rooms", responses=responses(401, 422))
async def list_rooms(
    request: Request, response: Response, limit: Limit = 50, offset: Offset = 0
) -> list[RoomOut]:
    """Public rooms and the caller's private ones, oldest first (`general` first)."""
    page = await chat_use_cases(request).list_rooms().execute(caller(request), limit, offset)
    set_paging_headers(request, response, page)
    return [RoomOut.of(room) for room in page.items]


@router.get("/rooms/{room_id}", responses=ROOM_ERRORS)
async def get_room(room_id: PathId, request: Request) -> RoomOut:
    """With `member`: whether the caller has joined it."""
    view = await chat_use_cases(request).get_room().execute(caller(request), room_id)
    return RoomOut.of(view.room, view.member)


@router.post("/rooms/{room_id}/join", status_code=status.HTTP_204_NO_CONTENT, responses=ROOM_ERRORS)
async def join_room(room_id: PathId, request: Request) -> None:
    """Idempotent."""
    await chat_use_cases(request).join_room().execute(caller(request), room_id)


@router.post(
    "/rooms/{room_id}/leave", status_code=status.HTTP_204_NO_CONTENT, responses=ROOM_ERRORS
)
async def leave_room(room_id: PathId, request: Request) -> None:
    """Idempotent; a private room left is no longer seen."""
    await chat_use_cases(request).leave_room().execute(caller(request), room_id)


@router.get("/rooms/{room_id}/members", responses=ROOM_ERRORS)
async def list_members(
    room_id: PathId, request: Request, response: Response, limit: Limit = 50, offset: Offset = 0
) -> list[MemberOut]:
    """Earliest joined first."""
    use_case = chat_use_cases(request).list_members()
    page = await use_case.execute(caller(request), room_id, limit, offset)
    set_paging_headers(request, response, page)
    return [MemberOut.of(view) for view in page.items]


@router.post(
    "/rooms/{room_id}/members",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 422),
)
async def invite_member(room_id: PathId, body: MemberIn, request: Request) -> None:
    """A member adds a user (the way into a private room): 403 not_a_member for a reader
    of a public room who has not joined, 404 user_not_found. Idempotent."""
    await chat_use_cases(request).invite_member().execute(caller(request), room_id, body.user_id)


@router.get("/rooms/{room_id}/messages", responses=ROOM_ERRORS)
async def read_messages(
    room_id: PathId,
    request: Request,
    before: MessageId = None,
    after: MessageId = None,
    limit: Annotated[int, Query(ge=1, le=READ_LIMIT_MAX)] = 50,
) -> MessagesOut:
    """Ascending by id. With `after`, the first `limit` after it (catch-up); otherwise the
    latest `limit` before `before` (or the latest of all). `last_id` is the room's latest
    message id: the WebSocket's `?after=` starts from it."""
    use_case = chat_use_cases(request).read_messages()
    read = await use_case.execute(caller(request), room_id, before, after, limit)
    return MessagesOut(items=[MessageOut.of(m) for m in read.items], last_id=read.last_id)


@router.post(
    "/rooms/{room_id}/messages",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "description": "The client_id was used before: the same message",
            "model": MessageOut,
        },
        **responses(401, 403, 404, 422, 429),
    },
)
async def post_message(
    room_id: PathId, body: MessageIn, request: Request, response: Response
) -> MessageOut:
    """Members only (403 not_a_member: join first). Stored with the room's next id, then
    sent to every WebSocket reader of the room. At most 10 messages a second (bursts of
    20) per user, else 429 rate_limited with Retry-After."""
    use_case = chat_use_cases(request).post_message()
    posted = await use_case.execute(caller(request), room_id, body.text, body.client_id)
    if not posted.created:
        response.status_code = status.HTTP_200_OK
    return MessageOut.of(posted.message)


@router.post("/chat/tickets", status_code=status.HTTP_201_CREATED, responses=responses(401))
async def issue_ticket(request: Request) -> TicketOut:
    """A single-use ticket for `/ws/...?ticket=`, valid 30 seconds: browsers cannot send
    an Authorization header on a WebSocket."""
    issued = await chat_use_cases(request).issue_ticket().execute(caller(request))
    return TicketOut(ticket=issued.ticket, expires_in=issued.expires_in)


routers = (router, online.router)
