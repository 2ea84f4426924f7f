from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.shared.errors import InvalidInput

T = TypeVar("T")

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000  # deeper pages cost the database more than they are worth


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(f"limit must be 1-{MAX_LIMIT} and offset 0-{MAX_OFFSET}")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        following = self.offset + self.limit
        return following if following < self.total else None
