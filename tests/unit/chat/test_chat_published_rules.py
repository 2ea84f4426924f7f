"""The chat's published patterns (room name, message text, client_id) are the rules the
domain enforces."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import example, given, settings

from domain.chat.messages import (
    CLIENT_ID_PATTERN,
    MESSAGE_MAX,
    MESSAGE_PATTERN,
    check_client_id,
    check_message_text,
)
from domain.chat.rooms import ROOM_NAME_MAX, ROOM_NAME_PATTERN, clean_room_name
from domain.shared.errors import InvalidInput
from tests.unit.test_published_rules import published, texts


def accepts(rule: Callable[[str], object], value: str) -> bool:
    try:
        rule(value)
    except InvalidInput:
        return False
    return True


@settings(max_examples=1000, database=None, derandomize=True, deadline=None)
@given(texts)
@example("\tx" + " " * 70)
@example("x" * (ROOM_NAME_MAX + 1))
def test_room_name_pattern_is_the_rule(value: str) -> None:
    assert published(ROOM_NAME_PATTERN, value) == accepts(clean_room_name, value)


@settings(max_examples=1000, database=None, derandomize=True, deadline=None)
@given(texts)
@example(" \n" + "x" * (MESSAGE_MAX - 2))
@example("x" * (MESSAGE_MAX + 1))
def test_message_pattern_and_max_length_are_the_rule(value: str) -> None:
    schema = published(MESSAGE_PATTERN, value) and len(value) <= MESSAGE_MAX
    assert schema == accepts(check_message_text, value)


@settings(max_examples=500, database=None, derandomize=True, deadline=None)
@given(texts)
@example("a" * 65)
def test_client_id_pattern_is_the_rule(value: str) -> None:
    assert published(CLIENT_ID_PATTERN, value) == accepts(check_client_id, value)
