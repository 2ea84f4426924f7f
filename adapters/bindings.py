"""A context's unit of work binds exactly the repositories its port names: checked when
the adapter's class is defined, so a missing binding (say, the idempotency keys of an
idempotent context on one storage) fails at import, not as a 500 on one backend."""

from __future__ import annotations

import typing
from collections.abc import Mapping


def repository_ports(uow_class: type) -> dict[str, type]:
    """The repositories a unit-of-work port names (its annotations and its bases'),
    resolved to their port classes."""
    hints = typing.get_type_hints(uow_class)
    return {n: t for n, t in hints.items() if not n.startswith("_") and isinstance(t, type)}


def check_bindings(uow_class: type, repositories: Mapping[str, type]) -> None:
    """Raise TypeError unless `repositories` implements every repository the port names,
    each with a subclass of its port, and nothing else."""
    ports = repository_ports(uow_class)
    missing = sorted(set(ports) - set(repositories))
    extra = sorted(set(repositories) - set(ports))
    wrong = sorted(n for n, r in repositories.items() if n in ports and not issubclass(r, ports[n]))
    if missing or extra or wrong:
        raise TypeError(
            f"{uow_class.__qualname__}.repositories: missing {missing}, not in the port"
            f" {extra}, not implementing their port {wrong}"
        )
