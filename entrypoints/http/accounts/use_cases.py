"""What the accounts routes may reach: the accounts container's use cases, and nothing else."""

from __future__ import annotations

from fastapi import Request

from entrypoints.containers.accounts import AccountsContainer


def account_use_cases(request: Request) -> AccountsContainer:
    """The app's accounts container (create_app mounts it on app.state.accounts); each use case
    attribute is a Factory: call it for a fresh use case."""
    use_cases: AccountsContainer = request.app.state.accounts
    return use_cases
