"""Helpers of the shop's HTTP tests: make a product as an admin, read it back."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_skus = itertools.count(1)
JSON = {"Content-Type": "application/json"}


async def add_product(
    client: httpx.AsyncClient, admin: dict[str, str], **fields: object
) -> dict[str, Any]:
    body = {"sku": f"SKU-{next(_skus)}", "name": "Mug", "price": "19.99", "on_hand": 10} | fields
    response = await client.post("/products", json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def product(
    client: httpx.AsyncClient, admin: dict[str, str], product_id: str
) -> dict[str, Any]:
    response = await client.get(f"/products/{product_id}", headers=admin)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found
