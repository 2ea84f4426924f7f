"""Todos: each user's own list. Another user's todo is a 404 on every method."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request, Response, status

from application.shared.paging import MAX_LIMIT, MAX_OFFSET
from application.todos.dto import (
    CreateTodoCommand,
    ListTodosQuery,
    ReplaceTodoCommand,
    UpdateTodoCommand,
)
from application.todos.ports import TodoSortField
from entrypoints.http.deps import caller
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.todos.schemas import TodoCreate, TodoOut, TodoPatch, TodoReplace
from entrypoints.http.todos.use_cases import todo_use_cases
from entrypoints.http.urls import base_url

router = protected_router(prefix="/todos", tags=["todos"])

Sort = Literal["created_at", "-created_at", "order", "-order", "task", "-task"]
BODY_ERRORS = responses(400, 401, 404, 413, 422)


def collection_url(request: Request) -> str:
    return f"{base_url(request)}/todos/"


@router.post("/", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 413, 422))
async def create_todo(body: TodoCreate, request: Request, response: Response) -> TodoOut:
    actor = caller(request)
    command = CreateTodoCommand(actor, body.task, body.completed, body.order)
    todo = TodoOut.of(
        await todo_use_cases(request).create_todo().execute(command), collection_url(request)
    )
    response.headers["Location"] = todo.url
    return todo


@router.get("/", responses=responses(401, 422))
async def list_todos(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    completed: bool | None = None,
    sort: Sort = "created_at",
) -> list[TodoOut]:
    actor = caller(request)
    field = TodoSortField(sort.removeprefix("-"))
    query = ListTodosQuery(actor, limit, offset, completed, field, sort.startswith("-"))
    page = await todo_use_cases(request).list_todos().execute(query)
    set_paging_headers(request, response, page)
    base = collection_url(request)
    return [TodoOut.of(view, base) for view in page.items]


@router.delete("/", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 422))
async def delete_all_todos(request: Request, completed: bool | None = None) -> None:
    """Delete the caller's todos: all of them, or only the completed (or open) ones."""
    actor = caller(request)
    await todo_use_cases(request).delete_all_todos().execute(actor, completed)


@router.get("/{todo_id}", responses=responses(401, 404, 422))
async def get_todo(todo_id: PathId, request: Request) -> TodoOut:
    actor = caller(request)
    view = await todo_use_cases(request).get_todo().execute(actor, todo_id)
    return TodoOut.of(view, collection_url(request))


@router.put("/{todo_id}", responses=BODY_ERRORS)
async def replace_todo(todo_id: PathId, body: TodoReplace, request: Request) -> TodoOut:
    actor = caller(request)
    command = ReplaceTodoCommand(actor, todo_id, body.task, body.completed, body.order)
    view = await todo_use_cases(request).change_todo().execute(command)
    return TodoOut.of(view, collection_url(request))


@router.patch("/{todo_id}", responses=BODY_ERRORS)
async def update_todo(todo_id: PathId, body: TodoPatch, request: Request) -> TodoOut:
    actor = caller(request)
    command = UpdateTodoCommand(actor, todo_id, **body.given())
    view = await todo_use_cases(request).change_todo().execute(command)
    return TodoOut.of(view, collection_url(request))


@router.delete(
    "/{todo_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 404, 422)
)
async def delete_todo(todo_id: PathId, request: Request) -> None:
    actor = caller(request)
    await todo_use_cases(request).delete_todo().execute(actor, todo_id)


routers = (router,)
