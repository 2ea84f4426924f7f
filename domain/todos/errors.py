from __future__ import annotations

from domain.shared.errors import InvalidInput, NotFound


class TodoNotFound(NotFound):
    code = "todo_not_found"


class InvalidTask(InvalidInput):
    code = "invalid_task"
