"""What the todos routes may reach: the todos container's use cases, and nothing else."""

from __future__ import annotations

from entrypoints.containers.todos import TodosContainer
from entrypoints.http.deps import context_use_cases

todo_use_cases = context_use_cases("todos", TodosContainer)
