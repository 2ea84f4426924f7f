"""CASEWORKS_REQUEST_*_TIMEOUT_SECONDS: documented defaults, and out-of-range values refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from entrypoints.settings import Settings

HEAD = "CASEWORKS_REQUEST_HEAD_TIMEOUT_SECONDS"
BODY_IDLE = "CASEWORKS_REQUEST_BODY_IDLE_TIMEOUT_SECONDS"


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HEAD, raising=False)
    monkeypatch.delenv(BODY_IDLE, raising=False)


def settings() -> Settings:
    return Settings(_env_file=None)


def test_the_request_timeouts_default_to_10_and_30_seconds() -> None:
    assert settings().request_head_timeout_seconds == 10
    assert settings().request_body_idle_timeout_seconds == 30


def test_the_request_timeouts_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(HEAD, "2")
    monkeypatch.setenv(BODY_IDLE, "1")

    assert settings().request_head_timeout_seconds == 2
    assert settings().request_body_idle_timeout_seconds == 1


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        (HEAD, "0"),
        (HEAD, "-1"),
        (HEAD, "301"),
        (HEAD, "ten"),
        (BODY_IDLE, "0"),
        (BODY_IDLE, "3601"),
        (BODY_IDLE, "1.5"),
    ],
)
def test_a_request_timeout_out_of_range_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ValidationError):
        settings()


@pytest.mark.parametrize(("variable", "value"), [(HEAD, "1"), (HEAD, "300"), (BODY_IDLE, "3600")])
def test_the_bounds_themselves_are_accepted(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    settings()
