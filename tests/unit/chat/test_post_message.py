"""PostMessage on the memory store: ids, idempotency, who may post, the rules, the rate,
and publishing after commit, exactly once."""

from __future__ import annotations

import asyncio

import pytest

from adapters.memory.store import MemoryStore
from application.chat.bus import ChatEvent
from application.chat.dto import message_frame
from domain.chat.errors import (
    InvalidClientId,
    InvalidMessage,
    MessageBlank,
    MessageTooLong,
    NotAMember,
    PostingTooFast,
    RoomNotFound,
)
from domain.chat.messages import MESSAGE_MAX
from domain.shared.errors import InvalidId
from entrypoints.containers.chat import ChatContainer
from tests.support.chat import RecordingBus
from tests.support.clock import ManualClock
from tests.unit.chat.conftest import SignIn


async def test_ids_count_up_per_room_and_each_message_is_published_once(
    chat: ChatContainer, sign_in: SignIn, bus: RecordingBus
) -> None:
    alice = await sign_in("alice")
    await chat.join_room().execute(alice, "general")
    other = await chat.create_room().execute(alice, "other")
    ids = [
        (await chat.post_message().execute(alice, "general", f"m{i}")).message.id for i in range(3)
    ]
    in_other = await chat.post_message().execute(alice, other.id, "hello")
    assert ids == [1, 2, 3]
    assert in_other.message.id == 1
    assert in_other.created
    assert [(e.room_id, e.frame["id"]) for e in bus.published] == [
        ("general", 1), ("general", 2), ("general", 3), (other.id, 1)
    ]  # fmt: skip
    assert bus.published[-1] == ChatEvent(other.id, message_frame(in_other.message))
    assert in_other.message.author == "alice"
    assert (await chat.get_room().execute(alice, "general")).room.last_message_id == 3


async def test_a_client_id_used_again_returns_the_same_message_unpublished(
    chat: ChatContainer, sign_in: SignIn, bus: RecordingBus
) -> None:
    alice, bob = await sign_in("alice"), await sign_in("bob")
    for user in (alice, bob):
        await chat.join_room().execute(user, "general")
    first = await chat.post_message().execute(alice, "general", "hi", "c-1")
    again = await chat.post_message().execute(alice, "general", "hi (resent)", "c-1")
    bobs = await chat.post_message().execute(bob, "general", "hi", "c-1")  # another author
    assert first.created
    assert not again.created
    assert bobs.created
    assert again.message == first.message
    assert bobs.message.id == 2
    assert [e.frame["id"] for e in bus.published] == [1, 2]


async def test_concurrent_posts_with_one_client_id_store_one_message(
    chat: ChatContainer, sign_in: SignIn, bus: RecordingBus
) -> None:
    alice = await sign_in("alice")
    await chat.join_room().execute(alice, "general")
    posted = await asyncio.gather(
        *(chat.post_message().execute(alice, "general", "once", "same") for _ in range(10))
    )
    assert sum(p.created for p in posted) == 1
    assert {p.message.id for p in posted} == {1}
    assert len(bus.published) == 1


async def test_posting_needs_membership_of_a_public_room(
    chat: ChatContainer, sign_in: SignIn, bus: RecordingBus
) -> None:
    alice = await sign_in("alice")
    with pytest.raises(NotAMember):
        await chat.post_message().execute(alice, "general", "hi")
    assert bus.published == []
    assert (await chat.get_room().execute(alice, "general")).room.last_message_id == 0


async def test_a_private_room_does_not_exist_for_others(
    chat: ChatContainer, sign_in: SignIn, bus: RecordingBus
) -> None:
    alice, eve = await sign_in("alice"), await sign_in("eve")
    room = await chat.create_room().execute(alice, "secret", private=True)
    for attempt in (
        chat.post_message().execute(eve, room.id, "hi"),
        chat.read_messages().execute(eve, room.id),
        chat.get_room().execute(eve, room.id),
        chat.join_room().execute(eve, room.id),
        chat.post_message().execute(eve, "no-such-room", "hi"),
    ):
        with pytest.raises(RoomNotFound):
            await attempt
    assert bus.published == []


@pytest.mark.parametrize(
    ("text", "client_id", "error"),
    [
        ("", None, MessageBlank),
        (" \n\t", None, MessageBlank),
        ("x" * (MESSAGE_MAX + 1), None, MessageTooLong),
        ("nul\x00", None, InvalidMessage),
        ("hi", "", InvalidClientId),
        ("hi", "a b", InvalidClientId),
        ("hi", "x" * 65, InvalidClientId),
    ],
)
async def test_text_and_client_id_rules(
    chat: ChatContainer,
    sign_in: SignIn,
    bus: RecordingBus,
    text: str,
    client_id: str | None,
    error: type[Exception],
) -> None:
    alice = await sign_in("alice")
    await chat.join_room().execute(alice, "general")
    with pytest.raises(error):
        await chat.post_message().execute(alice, "general", text, client_id)
    assert bus.published == []


async def test_text_is_kept_as_sent_up_to_the_limit(chat: ChatContainer, sign_in: SignIn) -> None:
    alice = await sign_in("alice")
    await chat.join_room().execute(alice, "general")
    posted = await chat.post_message().execute(alice, "general", "  two\nlines\t ")
    longest = await chat.post_message().execute(alice, "general", "y" * MESSAGE_MAX)
    assert posted.message.text == "  two\nlines\t "
    assert len(longest.message.text) == MESSAGE_MAX


async def test_an_invalid_room_id_is_invalid_input(chat: ChatContainer, sign_in: SignIn) -> None:
    alice = await sign_in("alice")
    with pytest.raises(InvalidId):
        await chat.post_message().execute(alice, "\x00", "hi")


async def test_rate_is_ten_a_second_after_a_burst_of_twenty(
    chat: ChatContainer, sign_in: SignIn, clock: ManualClock, bus: RecordingBus
) -> None:
    alice, bob = await sign_in("alice"), await sign_in("bob")
    for user in (alice, bob):
        await chat.join_room().execute(user, "general")
    post = chat.post_message()  # one limiter per container, as in the app
    for i in range(20):
        await post.execute(alice, "general", f"burst {i}")
    with pytest.raises(PostingTooFast) as refused:
        await post.execute(alice, "general", "one too many")
    assert refused.value.retry_after_seconds == 1
    assert len(bus.published) == 20
    await post.execute(bob, "general", "bob has his own bucket")
    clock.advance(seconds=0.1)  # one more token
    await post.execute(alice, "general", "after 100 ms")
    with pytest.raises(PostingTooFast):
        await post.execute(alice, "general", "again too soon")
    assert (await chat.get_room().execute(alice, "general")).room.last_message_id == 22


async def test_a_bus_outage_still_acknowledges_the_stored_message(
    chat: ChatContainer, sign_in: SignIn, bus: RecordingBus
) -> None:
    alice = await sign_in("alice")
    await chat.join_room().execute(alice, "general")
    bus.down = True
    posted = await chat.post_message().execute(alice, "general", "stored anyway")
    assert posted.created
    assert posted.message.id == 1
    read = await chat.read_messages().execute(alice, "general")
    assert [m.text for m in read.items] == ["stored anyway"]


async def test_subscribers_hear_the_message_after_it_is_stored(
    chat: ChatContainer, sign_in: SignIn, bus: RecordingBus, store: MemoryStore
) -> None:
    alice = await sign_in("alice")
    await chat.join_room().execute(alice, "general")
    seen: list[int] = []

    def deliver(event: ChatEvent) -> None:
        # After commit: the writing transaction has ended (it holds the store's lock).
        seen.append(int(event.frame["id"]))
        assert not store.lock.locked()

    await bus.subscribe("general", deliver)
    await chat.post_message().execute(alice, "general", "hi")
    read = await chat.read_messages().execute(alice, "general")
    assert seen == [1]
    assert read.last_id == 1
