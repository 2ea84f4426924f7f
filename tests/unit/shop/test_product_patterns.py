"""A product's published patterns (OpenAPI) accept exactly what its rules accept."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.shared.errors import DomainError
from domain.shop.product_fields import (
    DESCRIPTION_MAX,
    DESCRIPTION_PATTERN,
    NAME_MAX,
    NAME_PATTERN,
    SEARCH_PATTERN,
    SKU_MAX,
    SKU_PATTERN,
    check_description,
    clean_name,
    clean_search,
    clean_sku,
)

# --- published patterns equal the rules ---------------------------------------------------

TRICKY = " \t\n\r\x0b\x0c\x00\x1c\x1f\x7f\x85\u00a0\u2000\u200b\u2028\u3000\ufeff._-aZ9é😀"
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=12) | st.text(max_size=12)


def accepts(rule: Callable[[str], object], value: str) -> bool:
    try:
        rule(value)
    except DomainError:
        return False
    return True


def published(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value) is not None


@settings(max_examples=800, database=None, derandomize=True, deadline=None)
@given(texts)
@example(" " + "n" * NAME_MAX + "\n")
@example("n" * (NAME_MAX + 1))
@example("a\u00a0")
def test_name_pattern_is_the_name_rule(value: str) -> None:
    assert published(NAME_PATTERN, value) == accepts(clean_name, value)


@settings(max_examples=400, database=None, derandomize=True, deadline=None)
@given(texts)
@example("")
@example(" \u3000 ")
@example("q" * (NAME_MAX + 1))
def test_search_pattern_is_the_search_rule(value: str) -> None:
    assert published(SEARCH_PATTERN, value) == accepts(clean_search, value)


@settings(max_examples=400, database=None, derandomize=True, deadline=None)
@given(texts)
@example("x" * (SKU_MAX + 1))
def test_sku_pattern_is_the_sku_rule(value: str) -> None:
    assert published(SKU_PATTERN, value) == accepts(clean_sku, value)


@settings(max_examples=400, database=None, derandomize=True, deadline=None)
@given(texts)
@example("d" * (DESCRIPTION_MAX + 1))
def test_description_pattern_is_the_description_rule(value: str) -> None:
    assert published(DESCRIPTION_PATTERN, value) == accepts(check_description, value)
