"""Fixtures of the contract suites beyond tests/conftest.py's `uow_factory`."""

from __future__ import annotations

import pytest

from tests.contract.builders import ShopUowFactory, shop_uows
from tests.support.storage import UowFactory


@pytest.fixture
def shop_uow(uow_factory: UowFactory) -> ShopUowFactory:
    """Units of work for the shop on the same fresh database as `uow_factory`."""
    return shop_uows(uow_factory)
