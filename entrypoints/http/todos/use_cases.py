"""What the todos routes may reach: the todos container's use cases, and nothing else."""

from __future__ import annotations

from fastapi import Request

from entrypoints.containers.todos import TodosContainer


def todo_use_cases(request: Request) -> TodosContainer:
    """The app's todos container (create_app mounts it on app.state.todos); each use case
    attribute is a Factory: call it for a fresh use case."""
    use_cases: TodosContainer = request.app.state.todos
    return use_cases
