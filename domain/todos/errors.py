from __future__ import annotations

from domain.shared.errors import InvalidInput, NotFound


class TodoNotFound(NotFound):
    code = "todo_not_found"

    @classmethod
    def with_id(cls, todo_id: str) -> TodoNotFound:
        return cls(f"todo {todo_id!r} not found")


class InvalidTask(InvalidInput):
    code = "invalid_task"


class InvalidOrder(InvalidInput):
    code = "invalid_order"
