"""Todos use cases, one class each, grouped by theme (see README: Layout)."""

from application.todos.use_cases.editing import ChangeTodo, CreateTodo, DeleteAllTodos, DeleteTodo
from application.todos.use_cases.reading import GetTodo, ListTodos

__all__ = ["ChangeTodo", "CreateTodo", "DeleteAllTodos", "DeleteTodo", "GetTodo", "ListTodos"]
