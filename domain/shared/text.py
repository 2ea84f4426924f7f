"""The one rule every piece of client text meets before anything else looks at it."""

from __future__ import annotations

from domain.shared.errors import InvalidText


def is_text(value: str) -> bool:
    """Whether `value` is Unicode text: JSON may escape a lone surrogate ("\\ud800"), which
    Python keeps in a str but no UTF-8 encoder (hasher, token library, database) can take."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(value: str, field: str) -> str:
    """`value` unchanged, or InvalidText naming the field (never echoing the value, which
    could not be encoded into the answer either)."""
    if not is_text(value):
        raise InvalidText(f"{field} is not valid Unicode text", field=field)
    return value
