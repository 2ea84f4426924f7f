"""Orders: a buyer places, reads and cancels their own; administrators read all and move
them through paid, shipped and delivered. Another user's order is a 404, as with todos."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response, status
from pydantic.json_schema import SkipJsonSchema

from application.shared.ids import ID_PATTERN
from application.shared.paging import MAX_LIMIT, MAX_OFFSET
from application.shop.dto import ListOrdersQuery, PlaceOrderCommand
from domain.shop.orders import OrderStatus
from entrypoints.http.deps import caller
from entrypoints.http.idempotency import IdempotencyKey, answer_created, created
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.shop.order_schemas import OrderCreate, OrderOut
from entrypoints.http.shop.use_cases import shop_use_cases
from entrypoints.http.urls import base_url

router = protected_router(tags=["shop"])

UserId = Annotated[str | SkipJsonSchema[None], Query(json_schema_extra={"pattern": ID_PATTERN})]
MOVE_ERRORS = responses(401, 403, 404, 409, 422)


def order_url(request: Request, order_id: str) -> str:
    return f"{base_url(request)}/orders/{order_id}"


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    responses=created("order") | responses(401, 409, 422),
)
async def place_order(
    body: OrderCreate,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OrderOut:
    """All lines or none: stock is reserved for every line, or a 409 lists each short one."""
    lines = tuple((line.product_id, line.quantity) for line in body.lines)
    command = PlaceOrderCommand(caller(request), lines, idempotency_key)
    view = await shop_use_cases(request).place_order().execute(command)
    answer_created(response, order_url(request, view.id), view.replayed)
    return OrderOut.of(view)


@router.get("/orders", responses=responses(401, 403, 422))
async def list_orders(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    order_status: Annotated[OrderStatus | None, Query(alias="status")] = None,
    user_id: UserId = None,
) -> list[OrderOut]:
    """Newest first: the caller's orders; an administrator's sees everyone's (`user_id`:
    one user's). A user naming another user is a 403."""
    query = ListOrdersQuery(caller(request), limit, offset, order_status, user_id)
    page = await shop_use_cases(request).list_orders().execute(query)
    set_paging_headers(request, response, page)
    return [OrderOut.of(view) for view in page.items]


@router.get("/orders/{order_id}", responses=responses(401, 404, 422))
async def get_order(order_id: PathId, request: Request) -> OrderOut:
    view = await shop_use_cases(request).get_order().execute(caller(request), order_id)
    return OrderOut.of(view)


@router.post("/orders/{order_id}/pay", responses=MOVE_ERRORS)
async def pay_order(order_id: PathId, request: Request) -> OrderOut:
    """Administrators: the payment (a stand-in provider) is taken; pending_payment only,
    and not past the order's `expires_at` (409 order_payment_overdue)."""
    view = await shop_use_cases(request).pay_order().execute(caller(request), order_id)
    return OrderOut.of(view)


@router.post("/orders/{order_id}/ship", responses=MOVE_ERRORS)
async def ship_order(order_id: PathId, request: Request) -> OrderOut:
    """Administrators: a paid order leaves the warehouse."""
    view = await shop_use_cases(request).ship_order().execute(caller(request), order_id)
    return OrderOut.of(view)


@router.post("/orders/{order_id}/deliver", responses=MOVE_ERRORS)
async def deliver_order(order_id: PathId, request: Request) -> OrderOut:
    """Administrators: a shipped order arrived."""
    view = await shop_use_cases(request).deliver_order().execute(caller(request), order_id)
    return OrderOut.of(view)


@router.post("/orders/{order_id}/cancel", responses=responses(401, 404, 409, 422))
async def cancel_order(order_id: PathId, request: Request) -> OrderOut:
    """The buyer or an administrator, while pending payment or paid (a paid one is
    refunded); the stock comes back once."""
    view = await shop_use_cases(request).cancel_order().execute(caller(request), order_id)
    return OrderOut.of(view)
