from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.shared.unset import UNSET, Unset
from domain.todos.errors import InvalidTask

TASK_MAX = 500
# Control characters other than tab and line breaks are never text a person typed (and
# PostgreSQL refuses NUL outright).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_task(task: str) -> str:
    cleaned = task.strip()
    if not cleaned:
        raise InvalidTask("task must not be blank")
    if len(cleaned) > TASK_MAX:
        raise InvalidTask(f"task must be at most {TASK_MAX} characters")
    if _CONTROL.search(cleaned):
        raise InvalidTask("task must not contain control characters")
    return cleaned


@dataclass(eq=False)
class Todo:
    id: str
    owner_id: str
    task: str
    completed: bool
    order: int | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Todo) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @classmethod
    def create(
        cls, id: str, owner_id: str, task: str, completed: bool, order: int | None, now: datetime
    ) -> Todo:
        todo = cls(id, owner_id, clean_task(task), False, order, now, now)
        todo._set_completed(completed, now)
        return todo

    def change(
        self,
        now: datetime,
        task: str | Unset = UNSET,
        completed: bool | Unset = UNSET,
        order: int | Unset | None = UNSET,
    ) -> None:
        """Apply the given fields; UNSET leaves a field alone (a full replace passes all)."""
        if not isinstance(task, Unset):
            self.task = clean_task(task)
        if not isinstance(completed, Unset):
            self._set_completed(completed, now)
        if not isinstance(order, Unset):
            self.order = order
        self.updated_at = now

    def _set_completed(self, completed: bool, now: datetime) -> None:
        if completed and not self.completed:
            self.completed_at = now
        elif not completed:
            self.completed_at = None
        self.completed = completed
