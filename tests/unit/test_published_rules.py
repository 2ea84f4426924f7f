"""The patterns the OpenAPI document publishes are the rules the domain enforces."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.accounts.errors import InvalidEmail, InvalidUsername
from domain.accounts.model import EMAIL_PATTERN, USERNAME_PATTERN, Username, validate_email
from domain.todos.errors import InvalidTask
from domain.todos.model import TASK_PATTERN, clean_task

# Letters plus every character class the rules treat specially: spaces that are trimmed,
# characters that look like spaces but are not trimmed, controls, and one outside the BMP.
TRICKY = " \t\n\r\x0b\x0c\x00\x1c\x1f\x7f\x85\u00a0\u2000\u200b\u2028\u3000\ufeff@._-aZ9é😀"
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=12) | st.text(max_size=12)


def accepts(rule: object, value: str) -> bool:
    try:
        rule(value)  # type: ignore[operator]
    except (InvalidTask, InvalidUsername, InvalidEmail):
        return False
    return True


def published(pattern: str, value: str) -> bool:
    # JSON Schema patterns are ECMAScript: `$` is the end of input, never before a "\n".
    return re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value) is not None


@settings(max_examples=1500, database=None, derandomize=True, deadline=None)
@given(texts)
@example(" " * 3 + "x" * 500 + "\n")
@example("x" * 501)
@example("\u3000a\u3000")
def test_task_pattern_is_the_task_rule(value: str) -> None:
    assert published(TASK_PATTERN, value) == accepts(clean_task, value)


@settings(max_examples=1000, database=None, derandomize=True, deadline=None)
@given(texts)
@example("abc\n")
def test_username_pattern_is_the_username_rule(value: str) -> None:
    assert published(USERNAME_PATTERN, value) == accepts(Username, value)


@settings(max_examples=1000, database=None, derandomize=True, deadline=None)
@given(texts)
@example("a@b.c\n")
def test_email_pattern_is_the_email_rule(value: str) -> None:
    assert published(EMAIL_PATTERN, value) == accepts(validate_email, value)
