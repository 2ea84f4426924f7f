"""Accounts policies: rules that need configuration or ports, used by several use cases.

LoginLimits decides how many password guesses an account takes, and from where. Two
limits, both sliding windows behind the LoginThrottle port:
- per account *and* client address (5 in 15 minutes by default): one client guessing;
- per account from any address (20 by default): guessing spread over many addresses.
The per-account limit could let an attacker lock the real user out, so it does not apply
to an address that has logged in to this account successfully before (for as long as a
login lasts). The real user keeps logging in from home while a botnet is throttled; an
attacker's own addresses are never "known", and the per-client limit still applies to all.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.ports import KnownClients, LoginThrottle
from domain.accounts.errors import TooManyLoginAttempts


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a login lasts before the user must enter the password again."""

    refresh_token_days: int = 14


class LoginLimits:
    def __init__(
        self, per_client: LoginThrottle, per_account: LoginThrottle, known: KnownClients
    ) -> None:
        self._per_client = per_client
        self._per_account = per_account
        self._known = known

    async def begin_attempt(self, account: str, client: str) -> None:
        """Count a password attempt, or raise TooManyLoginAttempts. A refusal by the
        per-account limit still counts against this client (a blocked guesser stays so)."""
        retry_after = await self._per_client.begin_attempt(f"{account}|{client}")
        if retry_after is None and not await self._known.knows(account, client):
            retry_after = await self._per_account.begin_attempt(account)
        if retry_after is not None:
            raise TooManyLoginAttempts("too many failed logins; try again later", retry_after)

    async def succeeded(self, account: str, client: str) -> None:
        """The real user got in from `client`: that address is known from now on. The
        per-account count is left to its window: clearing it on every real login would
        give a password sprayer a fresh allowance each time the user logs in."""
        await self._per_client.reset(f"{account}|{client}")
        await self._known.remember(account, client)
