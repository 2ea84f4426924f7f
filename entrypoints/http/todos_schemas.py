from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from application.todos.dto import TodoView
from entrypoints.http.schemas import StrictBody

# The domain trims and checks 1-500 characters; this outer bound only caps the work.
Task = Annotated[str, Field(max_length=2000, examples=["Buy milk"])]
# Stored as a 32-bit SQL INTEGER: larger values can never be valid.
Order = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class TodoCreate(StrictBody):
    task: Task
    completed: bool = False
    order: Order | None = None


class TodoReplace(TodoCreate):
    """A full replace takes what a create takes: fields left out take their defaults."""


class TodoPatch(StrictBody):
    """A partial update: absent fields are left alone; `order` alone may be null."""

    task: Task | None = None
    completed: bool | None = None
    order: Order | None = None

    @model_validator(mode="after")
    def _no_null_for_required_fields(self) -> TodoPatch:
        for name in ("task", "completed"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null (leave it out to keep it)")
        return self

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class TodoOut(BaseModel):
    id: str
    task: str
    completed: bool
    order: int | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    url: str

    @classmethod
    def of(cls, view: TodoView, collection_url: str) -> TodoOut:
        return cls(
            id=view.id,
            task=view.task,
            completed=view.completed,
            order=view.order,
            created_at=view.created_at,
            updated_at=view.updated_at,
            completed_at=view.completed_at,
            url=collection_url + view.id,
        )
