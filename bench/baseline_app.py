"""The tutorial's shape, as a yardstick: an in-memory todo dict, async, no auth, no database."""

import itertools
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
todos: dict[int, dict[str, Any]] = {}
ids = itertools.count(1)


class TodoIn(BaseModel):
    task: str
    completed: bool = False


@app.post("/todos/", status_code=201)
async def create(todo: TodoIn) -> dict[str, Any]:
    todo_id = next(ids)
    todos[todo_id] = {"id": todo_id, **todo.model_dump()}
    return todos[todo_id]


@app.get("/todos/{todo_id}")
async def read(todo_id: int) -> dict[str, Any]:
    return todos[todo_id]


@app.get("/todos/")
async def list_todos(limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    return list(todos.values())[offset : offset + limit]
