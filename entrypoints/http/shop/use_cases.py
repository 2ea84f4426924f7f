"""What the shop routes may reach: the shop container's use cases, and nothing else."""

from __future__ import annotations

from fastapi import Request

from entrypoints.containers.shop import ShopContainer


def shop_use_cases(request: Request) -> ShopContainer:
    """The app's shop container (create_app mounts it on app.state.shop); each use case
    attribute is a Factory: call it for a fresh use case."""
    use_cases: ShopContainer = request.app.state.shop
    return use_cases
