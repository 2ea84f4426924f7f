"""Accounts' in-memory adapters: repositories, unit of work, login throttle."""
