"""Accounts' security adapters: argon2 password hashing, JWT tokens, common passwords."""
