"""The rules each product field meets. The patterns are published as they are in the
OpenAPI document, and a unit test holds each equal to its function."""

from __future__ import annotations

import re
from decimal import Decimal

from domain.shared.errors import InvalidInput
from domain.shared.text import check_text
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

# A name is trimmed like a todo's task (ECMAScript's \s minus control characters, listed
# one by one so Python and the published pattern agree), and holds no control characters.
_SPACES = r" \t\n\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NAME_TRIMMED = " \t\n\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EDGE, _FIRST_LAST = rf"[{_SPACES}]", rf"[^{_SPACES}\x00-\x1f\x7f]"
NAME_PATTERN = (
    rf"^{_EDGE}*{_FIRST_LAST}(?:[^\x00-\x1f\x7f]{{0,{NAME_MAX - 2}}}{_FIRST_LAST})?{_EDGE}*$"
)
# A name search: blank means none; else what a name may be (trimmed alike, so that a
# search for a name as typed finds it), published as one pattern.
SEARCH_PATTERN = (
    rf"^{_EDGE}*(?:{_FIRST_LAST}(?:[^\x00-\x1f\x7f]{{0,{NAME_MAX - 2}}}{_FIRST_LAST})?)?{_EDGE}*$"
)
# A description is kept as written (line breaks and tabs allowed), without other controls.
DESCRIPTION_PATTERN = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]{{0,{DESCRIPTION_MAX}}}$"
_DESCRIPTION_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_sku(sku: str) -> str:
    if not _SKU.fullmatch(check_text(sku, "sku")):
        raise InvalidSku(f"sku must be 1-{SKU_MAX} characters of letters, digits, '.', '_', '-'")
    return sku.upper()


def clean_name(name: str) -> str:
    cleaned = check_text(name, "name").strip(NAME_TRIMMED)
    if not cleaned or len(cleaned) > NAME_MAX:
        raise InvalidProductName(f"name must be 1-{NAME_MAX} characters after trimming")
    if _NAME_CONTROL.search(cleaned):
        raise InvalidProductName("name must not contain control characters")
    return cleaned


def clean_search(q: str | None) -> str | None:
    if q is None:
        return None
    q = check_text(q, "q").strip(NAME_TRIMMED)
    if not q:
        return None
    if len(q) > NAME_MAX or _NAME_CONTROL.search(q):
        raise InvalidSearch(f"q must be at most {NAME_MAX} characters, without control ones")
    return q


def check_description(description: str) -> str:
    if len(check_text(description, "description")) > DESCRIPTION_MAX:
        raise InvalidDescription(f"description must be at most {DESCRIPTION_MAX} characters")
    if _DESCRIPTION_CONTROL.search(description):
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
