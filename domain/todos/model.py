from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.shared.text import CONTROL_BUT_LINE_BREAKS, trimmed, trimmed_pattern
from domain.shared.unset import UNSET, Unset
from domain.todos.errors import InvalidOrder, InvalidTask

TASK_MAX = 500
# A todo's position is stored as a 32-bit SQL INTEGER: anything wider can never be saved.
ORDER_MIN, ORDER_MAX = -(2**31), 2**31 - 1
# Trimmed, 1-500 characters, tabs and line breaks kept (the shared kernel's text rule).
TASK_PATTERN = trimmed_pattern(TASK_MAX, line_breaks=True)


def clean_task(task: str) -> str:
    cleaned = trimmed(task, "task")
    if not cleaned:
        raise InvalidTask("task must not be blank")
    if len(cleaned) > TASK_MAX:
        raise InvalidTask(f"task must be at most {TASK_MAX} characters")
    if CONTROL_BUT_LINE_BREAKS.search(cleaned):
        raise InvalidTask("task must not contain control characters")
    return cleaned


def check_order(order: int | None) -> int | None:
    if order is not None and not ORDER_MIN <= order <= ORDER_MAX:
        raise InvalidOrder(f"order must be between {ORDER_MIN} and {ORDER_MAX}")
    return order


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
        todo = cls(id, owner_id, clean_task(task), False, check_order(order), now, now)
        todo._set_completed(completed, now)
        return todo

    def change(
        self,
        now: datetime,
        task: str | Unset = UNSET,
        completed: bool | Unset = UNSET,
        order: int | Unset | None = UNSET,
    ) -> None:
        """Apply the given fields; UNSET leaves a field alone (a full replace passes all).
        Every field is checked before any is applied: a refused change changes nothing."""
        if not isinstance(task, Unset):
            task = clean_task(task)
        if not isinstance(order, Unset):
            order = check_order(order)
        if not isinstance(task, Unset):
            self.task = task
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
