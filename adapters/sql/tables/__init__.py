"""The schema as SQLAlchemy Core tables, one module per context (accounts.py, todos.py,
shop.py) and the shared kernel's (idempotency.py), all on one `metadata`. Alembic
migrations are the source of change; a context's repositories import only its own
tables, so the boundary test sees a reach into another's."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

metadata = MetaData()


def every_table() -> MetaData:
    """`metadata` with every module's tables on it (for Alembic's comparison and the
    tests' schema): the modules are found, not listed, so a new context needs no edit."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return metadata
