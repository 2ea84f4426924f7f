from __future__ import annotations

from importlib import resources

from application.accounts.ports import CommonPasswords


class FileCommonPasswords(CommonPasswords):
    """The 10,000 most common passwords, shipped as data; compared without regard to case."""

    def __init__(self, text: str | None = None) -> None:
        if text is None:
            text = (
                resources.files("adapters.security.accounts")
                .joinpath("data/common-passwords.txt")
                .read_text(encoding="utf-8")
            )
        self._passwords = frozenset(
            line.strip().casefold()
            for line in text.splitlines()
            if line.strip() and not line.startswith("#")
        )

    def contains(self, password: str) -> bool:
        return password.casefold() in self._passwords
