"""What the accounts routes may reach: the accounts container's use cases, and nothing else."""

from __future__ import annotations

from entrypoints.containers.accounts import AccountsContainer
from entrypoints.http.deps import context_use_cases

account_use_cases = context_use_cases("accounts", AccountsContainer)
