"""Working hours are wall-clock times: the document says so, and the API answers so.

The schemas once published `format: time`, which JSON Schema takes as RFC 3339's full-time,
with an offset ("09:00:00Z"): the API answered "09:00:00" (a response that broke its own
document) and refused an offset with a 422. The stateful conformance run found it.
"""

from __future__ import annotations

import re
from datetime import time

import pytest
from pydantic import BaseModel

from entrypoints.http.clinic.schemas import (
    WALL_CLOCK_PATTERN,
    WorkingIntervalIn,
    WorkingIntervalOut,
)


def documented(value: str) -> bool:
    return re.fullmatch(WALL_CLOCK_PATTERN.removeprefix("^").removesuffix("$"), value) is not None


@pytest.mark.parametrize("model", [WorkingIntervalIn, WorkingIntervalOut])
def test_start_and_end_are_documented_as_wall_clock_times(model: type[BaseModel]) -> None:
    properties = model.model_json_schema()["properties"]
    for name in ("start", "end"):
        assert properties[name]["pattern"] == WALL_CLOCK_PATTERN
        assert "format" not in properties[name]


@pytest.mark.parametrize("sent", ["09:00", "09:00:00", "23:59:59.5", "00:00"])
def test_what_the_document_allows_is_taken_and_answered_as_documented(sent: str) -> None:
    assert documented(sent)
    interval = WorkingIntervalIn.model_validate({"weekday": 0, "start": sent, "end": "23:59:59.9"})
    answered = WorkingIntervalOut(weekday=0, start=interval.start, end=interval.end)

    for value in answered.model_dump(mode="json").values():
        assert isinstance(value, int) or documented(value)


@pytest.mark.parametrize("value", ["09:00:00Z", "09:00+01:00", "24:00", "9:00", "09:60"])
def test_offsets_and_impossible_times_are_outside_the_pattern(value: str) -> None:
    assert not documented(value)


def test_a_time_with_microseconds_is_answered_within_the_pattern() -> None:
    answered = WorkingIntervalOut(weekday=6, start=time(0, 0), end=time(23, 59, 59, 999999))
    assert documented(answered.model_dump(mode="json")["end"])
