from __future__ import annotations

from adapters.sql.chat.directory import SqlChatDirectory
from adapters.sql.chat.messages import SqlMessageRepository, SqlTicketRepository
from adapters.sql.chat.rooms import SqlMemberRepository, SqlRoomRepository
from adapters.sql.uow import SqlUnitOfWork
from application.chat.ports import ChatUnitOfWork


class SqlChatUnitOfWork(SqlUnitOfWork, ChatUnitOfWork):
    repositories = {
        "rooms": SqlRoomRepository,
        "members": SqlMemberRepository,
        "messages": SqlMessageRepository,
        "tickets": SqlTicketRepository,
        "directory": SqlChatDirectory,
    }
