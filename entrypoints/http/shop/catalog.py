"""The catalogue: anyone browses (admins, when signed in, also see deactivated products);
administrators add, change, restock and deactivate (deleting is deactivating). A product's
responses carry its ETag; a PATCH with If-Match applies only to that version (412)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request, Response, status
from pydantic.json_schema import SkipJsonSchema

from application.shared.paging import MAX_LIMIT, MAX_OFFSET
from application.shop.dto import (
    AdjustStockCommand,
    ChangeProductCommand,
    CreateProductCommand,
    ListProductsQuery,
    ProductView,
)
from application.shop.ports import ProductSortField
from domain.shop.product_fields import SEARCH_PATTERN
from entrypoints.http.deps import caller
from entrypoints.http.etags import IfMatch, etag, expected_versions, with_etag
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import caller_if_any, optional_token_router, protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.shop.schemas import ProductCreate, ProductOut, ProductPatch, StockChange
from entrypoints.http.shop.use_cases import shop_use_cases
from entrypoints.http.urls import base_url

public_router = optional_token_router(tags=["shop"])  # anyone reads
admin_router = protected_router(tags=["shop"])  # administrators write

Sort = Literal["created_at", "-created_at", "name", "-name", "price", "-price"]
Search = Annotated[
    str | SkipJsonSchema[None],
    Query(
        description="Name contains (case-insensitive).",
        json_schema_extra={"pattern": SEARCH_PATTERN},
    ),
]
WRITE_ERRORS = responses(401, 403, 404, 409, 422)


def product_url(request: Request, product_id: str) -> str:
    return f"{base_url(request)}/products/{product_id}"


def tagged(response: Response, view: ProductView) -> ProductOut:
    """The product's JSON, with its version as the response's ETag."""
    response.headers["ETag"] = etag(view.version)
    return ProductOut.of(view)


@public_router.get("/products", responses=responses(401, 422))
async def list_products(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    q: Search = None,
    active: bool | None = None,
    sort: Sort = "created_at",
) -> list[ProductOut]:
    """Active products for everyone; administrators see deactivated ones too."""
    field, descending = ProductSortField(sort.removeprefix("-")), sort.startswith("-")
    query = ListProductsQuery(caller_if_any(request), limit, offset, q, active, field, descending)
    page = await shop_use_cases(request).list_products().execute(query)
    set_paging_headers(request, response, page)
    return [ProductOut.of(view) for view in page.items]


@public_router.get(
    "/products/{product_id}",
    responses=with_etag(200) | responses(401, 404, 422),
)
async def get_product(product_id: PathId, request: Request, response: Response) -> ProductOut:
    view = await shop_use_cases(request).get_product().execute(caller_if_any(request), product_id)
    return tagged(response, view)


@admin_router.post(
    "/products",
    status_code=status.HTTP_201_CREATED,
    responses=with_etag(201) | responses(401, 403, 409, 422),
)
async def create_product(body: ProductCreate, request: Request, response: Response) -> ProductOut:
    """`on_hand`: the units on the shelf (`stock` is read-only: what orders may take)."""
    command = CreateProductCommand(caller(request), **body.fields())
    view = await shop_use_cases(request).create_product().execute(command)
    response.headers["Location"] = product_url(request, view.id)
    return tagged(response, view)


@admin_router.patch(
    "/products/{product_id}",
    responses=with_etag(200) | responses(401, 403, 404, 409, 412, 422),
)
async def change_product(
    product_id: PathId,
    body: ProductPatch,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> ProductOut:
    """Only the given fields change. `on_hand` is a stock-take: units held by orders stay
    reserved (`stock` = on_hand - reserved follows), and counting fewer than they hold is
    a 409. With If-Match, the change applies only if the product still has that ETag
    (checked in the transaction that writes it), else 412."""
    command = ChangeProductCommand(
        caller(request),
        product_id,
        **body.given(),
        expected_versions=expected_versions(if_match),
    )
    return tagged(response, await shop_use_cases(request).change_product().execute(command))


@admin_router.post(
    "/products/{product_id}/stock",
    responses=with_etag(200) | WRITE_ERRORS,
)
async def adjust_stock(
    product_id: PathId, body: StockChange, request: Request, response: Response
) -> ProductOut:
    """Add `delta` units to the shelf (or take them, below 0) relative to what is there
    now: two restocks at once both count. Units orders hold cannot be taken (409)."""
    command = AdjustStockCommand(caller(request), product_id, body.delta)
    return tagged(response, await shop_use_cases(request).adjust_stock().execute(command))


@admin_router.delete(
    "/products/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 422),
)
async def deactivate_product(product_id: PathId, request: Request) -> None:
    """Deleting is deactivating: placed orders keep their snapshot, new ones refuse it."""
    await shop_use_cases(request).deactivate_product().execute(caller(request), product_id)
