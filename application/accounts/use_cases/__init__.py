"""Accounts use cases, one class each, one module per theme (see README: Layout)."""
