"""The rules client text meets: valid Unicode first, then (for names, tasks, titles) one
trimming rule and one published pattern, the same in every context."""

from __future__ import annotations

import re

from domain.shared.errors import InvalidText

# Trimmed: ECMAScript's whitespace (\s) without the control characters, listed one by one
# so that Python, ECMAScript and Rust read the rule alike (Python's own str.strip() trims
# some characters ECMAScript's \s does not, and the other way round).
_SPACES = r" \t\n\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
TRIMMED = " \t\n\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)
# Control characters are never text a person typed (and PostgreSQL refuses NUL outright);
# multi-line text keeps its tabs and line breaks.
_CONTROLS = r"\x00-\x1f\x7f"
_CONTROLS_BUT_LINE_BREAKS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
CONTROL = re.compile(f"[{_CONTROLS}]")
CONTROL_BUT_LINE_BREAKS = re.compile(f"[{_CONTROLS_BUT_LINE_BREAKS}]")


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


def trimmed(value: str, field: str) -> str:
    """`value` as Unicode text (check_text), trimmed by the one rule."""
    return check_text(value, field).strip(TRIMMED)


def trimmed_pattern(max_length: int, *, line_breaks: bool, blank: bool = False) -> str:
    """The published pattern of a text that is trimmed, then 1..max_length characters
    (or nothing, with `blank`) without control characters (but tabs and line breaks,
    with `line_breaks`). Unit tests hold each pattern equal to its rule."""
    edge, first_last = f"[{_SPACES}]", f"[^{_SPACES}{_CONTROLS}]"
    inner = f"[^{_CONTROLS_BUT_LINE_BREAKS if line_breaks else _CONTROLS}]"
    text = rf"{first_last}(?:{inner}{{0,{max_length - 2}}}{first_last})?"
    return rf"^{edge}*(?:{text})?{edge}*$" if blank else rf"^{edge}*{text}{edge}*$"
