"""What the chat routes (and the chat's WebSocket edge) may reach: the chat container's use
cases, and nothing else."""

from __future__ import annotations

from entrypoints.containers.chat import ChatContainer
from entrypoints.http.deps import context_use_cases

chat_use_cases = context_use_cases("chat", ChatContainer)
