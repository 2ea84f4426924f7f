from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from adapters.memory.store import Journal, MemoryStore, clone, restore
from adapters.memory.uow import InMemoryUnitOfWork
from application.todos.ports import TodoQuery, TodoRepository, TodoSortField, TodosUnitOfWork
from domain.todos.model import Todo


class InMemoryTodoRepository(TodoRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._by_owner: dict[str, dict[str, Todo]] = store.of("todos").table("todos_by_owner")
        self._journal = journal

    def _owned(self, owner_id: str) -> dict[str, Todo]:
        return self._by_owner.get(owner_id, {})

    async def add(self, todo: Todo) -> None:
        self._journal.check_writable()
        self._put(clone(todo))
        self._journal.hold(self._by_owner, todo.id)

    async def get(self, owner_id: str, todo_id: str) -> Todo | None:
        todo = self._owned(owner_id).get(todo_id)
        return clone(todo) if todo else None

    async def get_for_update(self, owner_id: str, todo_id: str) -> Todo | None:
        self._journal.hold(self._by_owner, todo_id)
        return await self.get(owner_id, todo_id)

    async def save(self, todo: Todo) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._by_owner, todo.id)
        if todo.id in self._owned(todo.owner_id):
            self._put(clone(todo))

    async def delete(self, owner_id: str, todo_id: str) -> bool:
        self._journal.check_writable()
        owned = self._owned(owner_id)
        if todo_id not in owned:
            return False
        self._journal.record(restore(owned, todo_id))
        del owned[todo_id]
        return True

    async def delete_all(self, owner_id: str, completed: bool | None = None) -> int:
        self._journal.check_writable()
        if completed is not None:
            owned = self._owned(owner_id)
            doomed = [t.id for t in owned.values() if t.completed == completed]
            for todo_id in doomed:
                self._journal.record(restore(owned, todo_id))
                del owned[todo_id]
            return len(doomed)
        everything = self._by_owner.get(owner_id, {})
        if everything:
            self._journal.record(lambda: self._by_owner.__setitem__(owner_id, everything))
            del self._by_owner[owner_id]
        return len(everything)

    async def list(self, query: TodoQuery) -> tuple[Sequence[Todo], int]:
        todos = [
            t
            for t in self._owned(query.owner_id).values()
            if query.completed is None or t.completed == query.completed
        ]
        # The tie-breakers (creation time, then id), kept by the stable sorts below.
        todos.sort(key=_ID)  # then the stable sort by creation time keeps ids in order
        todos.sort(key=_CREATED_AT)
        key = _SORT_KEYS[query.sort]
        present = [t for t in todos if key(t) is not None]
        present.sort(key=key, reverse=query.descending)
        nulls = [t for t in todos if key(t) is None]  # nulls last in either direction
        ordered = present + nulls
        page = ordered[query.offset : query.offset + query.limit]
        return [clone(t) for t in page], len(todos)

    def _put(self, todo: Todo) -> None:
        owned = self._by_owner.setdefault(todo.owner_id, {})
        self._journal.record(restore(owned, todo.id))
        owned[todo.id] = todo


_ID, _CREATED_AT = attrgetter("id"), attrgetter("created_at")  # C-level keys: cheaper
_SORT_KEYS: dict[TodoSortField, Any] = {
    TodoSortField.CREATED_AT: _CREATED_AT,
    TodoSortField.ORDER: attrgetter("order"),
    TodoSortField.TASK: attrgetter("task"),
}


class InMemoryTodosUnitOfWork(InMemoryUnitOfWork, TodosUnitOfWork):
    repositories = {
        "todos": InMemoryTodoRepository,
    }
