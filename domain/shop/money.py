"""Money: a Decimal amount exact to its currency's minor unit. Never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from domain.shop.errors import CurrencyMismatch, InvalidPrice, UnknownCurrency

# ISO 4217 minor-unit exponents (decimals) of the currencies a shop may be configured in.
_TWO_DECIMALS = "USD EUR GBP CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF INR CNY BRL MXN ZAR SGD HKD"
MINOR_UNIT_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(_TWO_DECIMALS.split(" "), 2),
    **dict.fromkeys(("JPY", "KRW", "ISK", "CLP", "VND"), 0),
    **dict.fromkeys(("KWD", "BHD", "JOD", "OMR", "TND"), 3),
}
# Storage keeps amounts as signed 64-bit integers of minor units (BIGINT).
MINOR_UNITS_MAX = 2**63 - 1
# A plain decimal, digits ASCII only (Python's \d would take other scripts' digits too);
# a leading minus is matched so that the error can say "negative" rather than "malformed".
_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
AMOUNT_TEXT_MAX = 40  # longer strings are never a storable amount: refused unparsed


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    exponent: int

    def __post_init__(self) -> None:
        if MINOR_UNIT_EXPONENTS.get(self.code) != self.exponent:
            raise UnknownCurrency(f"{self.code!r} with {self.exponent} decimals is not known")

    @classmethod
    def of(cls, code: str) -> Currency:
        """The currency with this upper-case ISO 4217 code, or UnknownCurrency."""
        if code not in MINOR_UNIT_EXPONENTS:
            raise UnknownCurrency(f"unknown currency {code!r}: use an ISO 4217 code like USD")
        return cls(code, MINOR_UNIT_EXPONENTS[code])

    @property
    def amount_pattern(self) -> str:
        """The published shape of an amount string: no more decimals than the currency has."""
        decimals = rf"(\.[0-9]{{1,{self.exponent}}})?" if self.exponent else ""
        return rf"^[0-9]+{decimals}$"

    @property
    def max_amount(self) -> Decimal:
        """The largest amount storage can keep in this currency."""
        return Decimal(MINOR_UNITS_MAX).scaleb(-self.exponent)

    def __str__(self) -> str:
        return self.code


def _decimals(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # finite amounts only reach here
    return max(0, -exponent)


@dataclass(frozen=True, slots=True)
class Money:
    """A non-negative amount: the shop has prices, line totals and totals, nothing below 0.
    `amount` is kept with exactly the currency's decimals, so str() gives "1000.00"."""

    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        amount, currency = self.amount, self.currency
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise InvalidPrice("an amount must be a finite decimal number")
        if amount < 0:
            raise InvalidPrice("an amount must not be negative")
        if _decimals(amount) > currency.exponent:
            raise InvalidPrice(f"{currency} amounts have at most {currency.exponent} decimals")
        # Compared before any arithmetic: Decimal("1E+999999999") overflows the context.
        if amount > currency.max_amount:
            raise InvalidPrice("the amount is too large")
        units = int(amount.scaleb(currency.exponent))  # exact: whole minor units
        # Canonical form: exactly the currency's decimals, and never "-0.00".
        object.__setattr__(self, "amount", Decimal(units).scaleb(-currency.exponent))

    @classmethod
    def parse(cls, value: str | int | Decimal, currency: Currency) -> Money:
        """From a decimal string ("1000.00", "5"), an int or a Decimal. A float is refused:
        it cannot hold 0.10 exactly, so the edge must parse JSON numbers as Decimal."""
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise InvalidPrice("an amount must be a decimal string or an integer, never a float")
        if isinstance(value, str):
            if len(value) > AMOUNT_TEXT_MAX or _AMOUNT.fullmatch(value) is None:
                raise InvalidPrice("an amount must be a decimal string like '1000.00'")
            if value.startswith("-"):  # "-0" too: the published pattern has no sign
                raise InvalidPrice("an amount must not be negative")
            value = Decimal(value)
        return cls(Decimal(value), currency)

    @classmethod
    def from_minor_units(cls, units: int, currency: Currency) -> Money:
        return cls(Decimal(units).scaleb(-currency.exponent), currency)

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        return cls(Decimal(0), currency)

    @property
    def minor_units(self) -> int:
        """What storage keeps: 1000.00 USD is 100000."""
        return int(self.amount.scaleb(self.currency.exponent))

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot add {other.currency} to {self.currency}")
        return Money.from_minor_units(self.minor_units + other.minor_units, self.currency)

    def times(self, quantity: int) -> Money:
        return Money.from_minor_units(self.minor_units * quantity, self.currency)

    def __str__(self) -> str:
        return str(self.amount)
