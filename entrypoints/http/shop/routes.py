"""The shop's routes, as they join the app: the public catalogue, its administration
(catalog.py) and orders (orders.py), one theme per module."""

from __future__ import annotations

from entrypoints.http.shop import catalog, orders

routers = (catalog.public_router, catalog.admin_router, orders.router)
