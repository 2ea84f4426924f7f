"""The chat context's use cases. The bus and the rate limiter are one per process, given
by the app's container."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.chat.bus import MessageBus
from application.chat.ports import ChatUnitOfWork, RateLimiter
from application.chat.presence import Presence
from application.chat.use_cases.members import InviteMember, JoinRoom, LeaveRoom, ListMembers
from application.chat.use_cases.messages import REPLAY_MAX, PostMessage, ReadMessages
from application.chat.use_cases.presence import EnterRoom, ExitRoom, ListOnline
from application.chat.use_cases.rooms import CreateRoom, GetRoom, ListRooms
from application.chat.use_cases.tickets import CheckSession, IssueTicket, RedeemTicket
from application.shared.events import NO_EVENTS, BusinessEvents
from application.shared.ports import Clock


class ChatContainer(containers.DeclarativeContainer):
    uow = providers.Dependency(instance_of=ChatUnitOfWork)
    clock = providers.Dependency(instance_of=Clock)
    bus = providers.Dependency(instance_of=MessageBus)
    rate_limiter = providers.Dependency(instance_of=RateLimiter)
    presence = providers.Dependency(instance_of=Presence)
    # What operators count (the Prometheus adapter in the app; nothing by default).
    events = providers.Dependency(instance_of=BusinessEvents, default=NO_EVENTS)

    create_room = providers.Factory(CreateRoom, uow, clock)
    list_rooms = providers.Factory(ListRooms, uow)
    get_room = providers.Factory(GetRoom, uow)
    join_room = providers.Factory(JoinRoom, uow, clock)
    leave_room = providers.Factory(LeaveRoom, uow)
    invite_member = providers.Factory(InviteMember, uow, clock)
    list_members = providers.Factory(ListMembers, uow)
    post_message = providers.Factory(PostMessage, uow, clock, bus, rate_limiter, events=events)
    read_messages = providers.Factory(ReadMessages, uow)
    # The WebSocket's catch-up: up to REPLAY_MAX + 1 at once (one more says "reset").
    replay_messages = providers.Factory(ReadMessages, uow, max_limit=REPLAY_MAX + 1)
    issue_ticket = providers.Factory(IssueTicket, uow, clock)
    redeem_ticket = providers.Factory(RedeemTicket, uow, clock)
    check_session = providers.Factory(CheckSession, uow, clock)
    enter_room = providers.Factory(EnterRoom, uow, presence, bus)
    exit_room = providers.Factory(ExitRoom, presence, bus)
    list_online = providers.Factory(ListOnline, uow, presence)
    jobs = providers.Dict()
