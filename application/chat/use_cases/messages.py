"""Posting and reading messages: the chat's centre. Whichever edge calls (WebSocket or
HTTP), a message is checked, stored with its room's next id, and published once."""

from __future__ import annotations

import logging
import math

from application.chat.bus import BusUnavailable, ChatEvent, MessageBus
from application.chat.dto import MessagesRead, PostedMessage, message_frame
from application.chat.ports import ChatUnitOfWork, DuplicateClientId, RateLimiter
from application.chat.use_cases.access import readable_room, require_member
from application.shared.actor import Actor
from application.shared.events import NO_EVENTS, BusinessEvent, BusinessEvents
from application.shared.ports import Clock
from domain.chat.errors import PostingTooFast
from domain.chat.messages import Message, check_client_id, check_message_text
from domain.shared.errors import InvalidInput

log = logging.getLogger("caseworks.chat")

READ_LIMIT_MAX = 100
# A socket connecting with ?after= replays at most this many; it reads one more to know
# whether more were missed (then the client pages over HTTP).
REPLAY_MAX = 500
MESSAGE_ID_MAX = 2**31 - 1  # what every storage's integer column holds


class PostMessage:
    def __init__(
        self,
        uow: ChatUnitOfWork,
        clock: Clock,
        bus: MessageBus,
        rate: RateLimiter,
        events: BusinessEvents = NO_EVENTS,
    ) -> None:
        self._uow = uow
        self._events = events
        self._clock = clock
        self._bus = bus
        self._rate = rate

    async def execute(
        self, actor: Actor, room_id: str, text: str, client_id: str | None = None
    ) -> PostedMessage:
        check_message_text(text)
        check_client_id(client_id)
        wait = await self._rate.take(actor.user_id, self._clock.now())
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise PostingTooFast(f"too many messages; retry in {seconds} s", seconds)
        try:
            posted = await self._store(actor, room_id, text, client_id)
        except DuplicateClientId:
            # The same client_id raced past the check (it cannot on one room lock, but the
            # unique constraint is what guarantees it): the stored one is the answer.
            posted = await self._existing(actor, room_id, client_id)
        if posted.created:
            self._events.record(BusinessEvent.MESSAGE_POSTED)
            await self._publish(posted.message)
        return posted

    async def _store(
        self, actor: Actor, room_id: str, text: str, client_id: str | None
    ) -> PostedMessage:
        async with self._uow.write() as uow:
            room = await readable_room(uow, actor, room_id, lock=True)
            await require_member(uow, actor, room)
            if client_id is not None:
                existing = await uow.messages.get_by_client_id(room.id, actor.user_id, client_id)
                if existing is not None:
                    return PostedMessage(existing, created=False)
            names = await uow.directory.usernames([actor.user_id])
            message = Message(
                room.id,
                room.next_message_id(),
                actor.user_id,
                names.get(actor.user_id, ""),
                text,
                self._clock.now(),
                client_id,
            )
            await uow.messages.add(message)
            await uow.rooms.save(room)
            await uow.commit()
        return PostedMessage(message, created=True)

    async def _existing(self, actor: Actor, room_id: str, client_id: str | None) -> PostedMessage:
        async with self._uow.read() as uow:
            found = None
            if client_id is not None:
                found = await uow.messages.get_by_client_id(room_id, actor.user_id, client_id)
        if found is None:
            raise RuntimeError("DuplicateClientId, yet no message has that client_id")
        return PostedMessage(found, created=False)

    async def _publish(self, message: Message) -> None:
        """After commit, so a reader never hears of a message storage does not have."""
        try:
            await self._bus.publish(ChatEvent(message.room_id, message_frame(message)))
        except BusUnavailable:
            # Stored is acknowledged: readers on other servers catch up from storage.
            log.warning("chat bus unavailable; message %s/%s stored", message.room_id, message.id)


class ReadMessages:
    def __init__(self, uow: ChatUnitOfWork, max_limit: int = READ_LIMIT_MAX) -> None:
        self._uow = uow
        self._max_limit = max_limit

    async def execute(
        self,
        actor: Actor,
        room_id: str,
        before: int | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> MessagesRead:
        if not 1 <= limit <= self._max_limit:
            raise InvalidInput(f"limit must be 1-{self._max_limit}")
        if any(not 0 <= i <= MESSAGE_ID_MAX for i in (before, after) if i is not None):
            raise InvalidInput(f"before and after are message ids (0-{MESSAGE_ID_MAX})")
        async with self._uow.read() as uow:
            room = await readable_room(uow, actor, room_id)
            items = await uow.messages.page(room.id, before, after, limit)
            return MessagesRead(list(items), room.last_message_id)
