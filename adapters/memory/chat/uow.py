from __future__ import annotations

from adapters.memory.chat.directory import InMemoryChatDirectory
from adapters.memory.chat.messages import InMemoryMessageRepository, InMemoryTicketRepository
from adapters.memory.chat.rooms import InMemoryMemberRepository, InMemoryRoomRepository
from adapters.memory.uow import InMemoryUnitOfWork
from application.chat.ports import ChatUnitOfWork


class InMemoryChatUnitOfWork(InMemoryUnitOfWork, ChatUnitOfWork):
    repositories = {
        "rooms": InMemoryRoomRepository,
        "members": InMemoryMemberRepository,
        "messages": InMemoryMessageRepository,
        "tickets": InMemoryTicketRepository,
        "directory": InMemoryChatDirectory,
    }
