"""Shop errors, named after the rule they guard; `code` is what clients match on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from domain.shared.errors import Conflict, InvalidInput, NotFound, PreconditionFailed


class UnknownCurrency(InvalidInput):
    code = "unknown_currency"


class CurrencyMismatch(Conflict):
    """Amounts in two currencies met (a product priced before the shop's currency changed)."""

    code = "currency_mismatch"


class InvalidPrice(InvalidInput):
    code = "invalid_price"


class InvalidSku(InvalidInput):
    code = "invalid_sku"


class InvalidProductName(InvalidInput):
    code = "invalid_product_name"


class InvalidDescription(InvalidInput):
    code = "invalid_description"


class InvalidStock(InvalidInput):
    code = "invalid_stock"


class InvalidSearch(InvalidInput):
    code = "invalid_search"


class ProductNotFound(NotFound):
    code = "product_not_found"

    @classmethod
    def with_id(cls, product_id: str) -> ProductNotFound:
        return cls(f"product {product_id!r} not found")


class SkuTaken(Conflict):
    code = "sku_taken"

    @classmethod
    def for_sku(cls, sku: str) -> SkuTaken:
        return cls(f"sku {sku!r} is taken by another product", sku=sku)


class StockWouldBeNegative(Conflict):
    """A stock adjustment that would take more units than are available: on the shelf and
    not held by orders (`reserved`)."""

    code = "stock_would_be_negative"

    def __init__(self, product_id: str, delta: int, available: int, reserved: int = 0) -> None:
        held = f" ({reserved} more are reserved by orders)" if reserved else ""
        detail = f"cannot adjust stock by {delta}: only {available} available{held}"
        super().__init__(
            detail, product_id=product_id, delta=delta, available=available, reserved=reserved
        )
        self.available = available


class StockWouldExceedMaximum(Conflict):
    """A restock past what a shelf may count (STOCK_MAX): like going below zero, it depends
    on the units there now, so it is a conflict with the current state, not bad input."""

    code = "stock_would_exceed_maximum"

    def __init__(self, product_id: str, delta: int, on_hand: int, maximum: int) -> None:
        detail = f"cannot add {delta} units: {on_hand} on hand, at most {maximum} allowed"
        super().__init__(
            detail, product_id=product_id, delta=delta, on_hand=on_hand, maximum=maximum
        )


class OnHandBelowReserved(Conflict):
    """A stock-take counting fewer units than orders hold: cancel or ship those orders
    first (or the count is wrong)."""

    code = "on_hand_below_reserved"

    def __init__(self, product_id: str, on_hand: int, reserved: int) -> None:
        detail = f"cannot set on_hand to {on_hand}: {reserved} units are reserved by orders"
        super().__init__(detail, product_id=product_id, on_hand=on_hand, reserved=reserved)


class ProductChanged(PreconditionFailed):
    """The product is no longer at the version the request was conditional on (If-Match)."""

    @classmethod
    def since(cls, product_id: str) -> ProductChanged:
        return cls(
            f"product {product_id!r} has changed since that version was read: read it again",
            product_id=product_id,
        )


class InvalidLineCount(InvalidInput):
    code = "invalid_line_count"


class InvalidOrderLine(InvalidInput):
    """One line of an order request is wrong; `line` is its 0-based index in the request.
    `product_id` is None when the id itself is malformed (never echo what cannot be)."""

    code = "invalid_order_line"

    def __init__(self, detail: str, line: int, product_id: str | None) -> None:
        super().__init__(detail, line=line, product_id=product_id)
        self.line = line
        self.product_id = product_id


class InvalidQuantity(InvalidOrderLine):
    code = "invalid_quantity"


class DuplicateOrderLine(InvalidOrderLine):
    code = "duplicate_order_line"


class UnknownProduct(InvalidOrderLine):
    code = "unknown_product"


class InactiveProduct(InvalidOrderLine):
    code = "inactive_product"


@dataclass(frozen=True, slots=True)
class ShortLine:
    """A line the stock cannot cover: what was asked for and what there is."""

    product_id: str
    requested: int
    available: int


class InsufficientStock(Conflict):
    """Lists EVERY short line (extra `lines`), so a client can fix the whole cart at once."""

    code = "insufficient_stock"

    def __init__(self, short_lines: Sequence[ShortLine]) -> None:
        ids = ", ".join(repr(s.product_id) for s in short_lines)
        super().__init__(f"not enough stock for {ids}", lines=[asdict(s) for s in short_lines])
        self.short_lines = tuple(short_lines)


class OrderNotFound(NotFound):
    code = "order_not_found"

    @classmethod
    def with_id(cls, order_id: str) -> OrderNotFound:
        return cls(f"order {order_id!r} not found")


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, status: str, target: str) -> None:
        detail = f"an order that is {status} cannot become {target}"
        # `order_status`, not `status`: in a problem+json body `status` is the HTTP status.
        super().__init__(detail, order_status=status, target=target)
        self.status = status
        self.target = target


class OrderPaymentOverdue(Conflict):
    """The order's payment deadline has passed: it can no longer be paid, and expires."""

    code = "order_payment_overdue"

    @classmethod
    def for_order(cls, order_id: str, expires_at: datetime) -> OrderPaymentOverdue:
        deadline = expires_at.isoformat().replace("+00:00", "Z")
        return cls(f"order {order_id!r} had to be paid by {deadline}", order_id=order_id)


class PaymentDeclined(Conflict):
    code = "payment_declined"
