"""What the shop routes may reach: the shop container's use cases, and nothing else."""

from __future__ import annotations

from entrypoints.containers.shop import ShopContainer
from entrypoints.http.deps import context_use_cases

shop_use_cases = context_use_cases("shop", ShopContainer)
