"""The rules each product field meets. The patterns are published as they are in the
OpenAPI document, and a unit test holds each equal to its function."""

from __future__ import annotations

import re
from decimal import Decimal

from domain.shared.errors import InvalidInput
from domain.shared.text import (
    CONTROL,
    CONTROL_BUT_LINE_BREAKS,
    check_text,
    trimmed,
    trimmed_pattern,
)
from domain.shop.errors import (
    InvalidDescription,
    InvalidPrice,
    InvalidProductName,
    InvalidSearch,
    InvalidSku,
    InvalidStock,
)
from domain.shop.money import Currency, Money

# A SKU is an identifier people type and print on labels: ASCII letters, digits, . _ -.
# Kept in upper case, so "ab-1" and "AB-1" are one SKU (a unique index on the stored form).
SKU_MAX = 64
SKU_PATTERN = rf"^[A-Za-z0-9._-]{{1,{SKU_MAX}}}$"
_SKU = re.compile(SKU_PATTERN.removeprefix("^").removesuffix("$"))
NAME_MAX = 200
DESCRIPTION_MAX = 2000
# The most units an administrator may count on the shelf (`on_hand`) or restock to. Every
# other count stays within it (0 <= reserved <= on_hand); storage uses 64-bit columns.
STOCK_MAX = 1_000_000_000
# Bounded so that 50 lines of 1,000 units still fit storage's 64-bit minor units.
PRICE_MAX_MINOR_UNITS = 10**12 - 1

# A name is trimmed by the shared kernel's text rule and holds no control characters; a
# name search is blank (none) or what a name may be, so a name as typed finds it.
NAME_PATTERN = trimmed_pattern(NAME_MAX, line_breaks=False)
SEARCH_PATTERN = trimmed_pattern(NAME_MAX, line_breaks=False, blank=True)
# A description is kept as written (line breaks and tabs allowed), without other controls.
DESCRIPTION_PATTERN = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]{{0,{DESCRIPTION_MAX}}}$"


def clean_sku(sku: str) -> str:
    if not _SKU.fullmatch(check_text(sku, "sku")):
        raise InvalidSku(f"sku must be 1-{SKU_MAX} characters of letters, digits, '.', '_', '-'")
    return sku.upper()


def clean_name(name: str) -> str:
    cleaned = trimmed(name, "name")
    if not cleaned or len(cleaned) > NAME_MAX:
        raise InvalidProductName(f"name must be 1-{NAME_MAX} characters after trimming")
    if CONTROL.search(cleaned):
        raise InvalidProductName("name must not contain control characters")
    return cleaned


def clean_search(q: str | None) -> str | None:
    if q is None:
        return None
    q = trimmed(q, "q")
    if not q:
        return None
    if len(q) > NAME_MAX or CONTROL.search(q):
        raise InvalidSearch(f"q must be at most {NAME_MAX} characters, without control ones")
    return q


def check_description(description: str) -> str:
    if len(check_text(description, "description")) > DESCRIPTION_MAX:
        raise InvalidDescription(f"description must be at most {DESCRIPTION_MAX} characters")
    if CONTROL_BUT_LINE_BREAKS.search(description):
        raise InvalidDescription("description must not contain control characters")
    return description


def check_on_hand(on_hand: int) -> int:
    if isinstance(on_hand, bool) or not isinstance(on_hand, int) or not 0 <= on_hand <= STOCK_MAX:
        raise InvalidStock(f"on_hand must be an integer from 0 to {STOCK_MAX}")
    return on_hand


def max_price(currency: Currency) -> Money:
    """The highest price in `currency` (9999999999.99 USD), for documents and errors."""
    return Money.from_minor_units(PRICE_MAX_MINOR_UNITS, currency)


def check_price(price: Money) -> Money:
    if price.minor_units > PRICE_MAX_MINOR_UNITS:
        raise InvalidPrice(f"price must be at most {max_price(price.currency)}")
    return price


def parse_price(value: str | int | Decimal, currency: Currency) -> Money:
    """A client's price: Money.parse's rules (never a float) plus the price limit."""
    return check_price(Money.parse(value, currency))


def check_active(active: bool) -> bool:
    if not isinstance(active, bool):
        raise InvalidInput("active must be true or false")
    return active
