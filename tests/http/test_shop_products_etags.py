"""A product's ETag (its version: every change moves it) and PATCH with If-Match: a change
for a version the product no longer has is a 412, decided in the transaction that would
write it, so of two admins editing from one read exactly one wins."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.http.conftest import SignUp, assert_problem
from tests.http.shop_helpers import add_product, product


async def etag_of(client: httpx.AsyncClient, product_id: str) -> str:
    response = await client.get(f"/products/{product_id}")
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


async def test_every_response_of_a_product_carries_its_etag_and_every_change_moves_it(
    client: httpx.AsyncClient, admin_headers: dict[str, str], signed_up: SignUp
) -> None:
    alice = await signed_up("alice")
    mug = await add_product(client, admin_headers, on_hand=5)
    url = f"/products/{mug['id']}"
    tags = [await etag_of(client, mug["id"])]

    patched = await client.patch(url, json={"name": "Cup"}, headers=admin_headers)
    tags.append(patched.headers["ETag"])
    restocked = await client.post(f"{url}/stock", json={"delta": 1}, headers=admin_headers)
    tags.append(restocked.headers["ETag"])
    body = {"lines": [{"product_id": mug["id"], "quantity": 1}]}
    assert (await client.post("/orders", json=body, headers=alice)).status_code == 201
    tags.append(await etag_of(client, mug["id"]))  # an order changed its counts

    assert tags == ['"1"', '"2"', '"3"', '"4"']
    assert (await client.get(url, headers=admin_headers)).headers["ETag"] == '"4"'


@pytest.mark.parametrize("if_match", [None, "*", '"1"', '"7", "1"', ' "1" ,'])
async def test_a_patch_for_the_current_version_or_any_applies(
    client: httpx.AsyncClient, admin_headers: dict[str, str], if_match: str | None
) -> None:
    mug = await add_product(client, admin_headers, on_hand=5)
    headers = admin_headers | ({"If-Match": if_match} if if_match is not None else {})

    response = await client.patch(f"/products/{mug['id']}", json={"on_hand": 9}, headers=headers)

    assert response.status_code == 200, response.text
    assert (response.json()["on_hand"], response.headers["ETag"]) == (9, '"2"')


@pytest.mark.parametrize("if_match", ['"2"', 'W/"1"', '"abc"', "1", ""])
async def test_a_patch_for_another_version_is_a_412_that_changes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], if_match: str
) -> None:
    mug = await add_product(client, admin_headers, on_hand=5)
    headers = admin_headers | {"If-Match": if_match}

    response = await client.patch(f"/products/{mug['id']}", json={"on_hand": 9}, headers=headers)

    assert_problem(response, 412, "precondition_failed")
    assert await product(client, admin_headers, mug["id"]) == mug
    assert await etag_of(client, mug["id"]) == '"1"'


async def test_a_stale_etag_after_another_change_is_a_412(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    mug = await add_product(client, admin_headers, on_hand=5)
    url = f"/products/{mug['id']}"
    seen = await etag_of(client, mug["id"])
    await client.post(f"{url}/stock", json={"delta": 3}, headers=admin_headers)

    stale = await client.patch(url, json={"on_hand": 2}, headers=admin_headers | {"If-Match": seen})

    assert_problem(stale, 412, "precondition_failed")
    assert (await product(client, admin_headers, mug["id"]))["on_hand"] == 8


async def test_two_patches_with_the_same_if_match_one_wins(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    mug = await add_product(client, admin_headers, on_hand=5)
    url = f"/products/{mug['id']}"
    headers = admin_headers | {"If-Match": await etag_of(client, mug["id"])}

    responses = await asyncio.gather(
        client.patch(url, json={"on_hand": 7, "name": "First"}, headers=headers),
        client.patch(url, json={"on_hand": 9, "name": "Second"}, headers=headers),
    )

    assert sorted(r.status_code for r in responses) == [200, 412]
    (won,) = [r for r in responses if r.status_code == 200]
    (lost,) = [r for r in responses if r.status_code == 412]
    assert_problem(lost, 412, "precondition_failed")
    assert await product(client, admin_headers, mug["id"]) == won.json()
    assert await etag_of(client, mug["id"]) == won.headers["ETag"] == '"2"'


async def test_a_missing_product_is_a_404_whatever_the_if_match(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    headers = admin_headers | {"If-Match": '"1"'}
    missing = "0" * 32
    response = await client.patch(f"/products/{missing}", json={"name": "X"}, headers=headers)
    assert_problem(response, 404)
