"""Accounts: register, log in, rotate tokens, log out, the caller's profile, admin listing
and roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response, status

from application.accounts.dto import (
    ChangePasswordCommand,
    ChangeRoleCommand,
    LoginCommand,
    RegisterCommand,
)
from application.shared.paging import MAX_LIMIT, MAX_OFFSET
from entrypoints.http.accounts.credentials import LOGIN_REQUEST_BODY, read_credentials
from entrypoints.http.accounts.schemas import (
    ChangePasswordBody,
    RefreshBody,
    RegisterBody,
    RoleBody,
    TokenOut,
    UserOut,
)
from entrypoints.http.accounts.use_cases import account_use_cases
from entrypoints.http.deps import caller, client_address
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router, public_router
from entrypoints.http.schemas import PathId
from entrypoints.http.urls import base_url

public = public_router(tags=["accounts"])  # register, log in, refresh
protected = protected_router(tags=["accounts"])
routers = (public, protected)


@public.post(
    "/register", status_code=status.HTTP_201_CREATED, responses=responses(400, 409, 413, 422)
)
async def register(body: RegisterBody, request: Request, response: Response) -> UserOut:
    command = RegisterCommand(body.username, body.password, body.email)
    user = await account_use_cases(request).register_user().execute(command)
    response.headers["Location"] = f"{base_url(request)}/users/{user.id}"
    return UserOut.of(user)


@public.post(
    "/login",
    responses=responses(400, 401, 413, 415, 422, 429),
    openapi_extra={"requestBody": LOGIN_REQUEST_BODY},
)
async def login(request: Request) -> TokenOut:
    credentials = await read_credentials(request)
    command = LoginCommand(credentials.username, credentials.password, client_address(request))
    return TokenOut.of(await account_use_cases(request).login().execute(command))


@public.post("/token/refresh", responses=responses(400, 401, 413, 422))
async def refresh(body: RefreshBody, request: Request) -> TokenOut:
    return TokenOut.of(
        await account_use_cases(request).refresh_tokens().execute(body.refresh_token)
    )


@protected.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401))
async def logout(request: Request) -> None:
    actor = caller(request)
    await account_use_cases(request).logout().execute(actor)


@protected.get("/users/me", responses=responses(401))
async def me(request: Request) -> UserOut:
    actor = caller(request)
    return UserOut.of(await account_use_cases(request).get_current_user().execute(actor))


@protected.put(
    "/users/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(400, 401, 403, 413, 415, 422, 429),
)
async def change_password(body: ChangePasswordBody, request: Request) -> None:
    actor = caller(request)
    command = ChangePasswordCommand(actor, body.current_password, body.new_password)
    await account_use_cases(request).change_password().execute(command)


@protected.get("/users", responses=responses(401, 403, 422))
async def list_users(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[UserOut]:
    actor = caller(request)
    page = await account_use_cases(request).list_users().execute(actor, limit, offset)
    set_paging_headers(request, response, page)
    return [UserOut.of(user) for user in page.items]


@protected.get("/users/{user_id}", responses=responses(401, 404, 422))
async def get_user(
    # GetUser refuses ids no user can have (invalid_id, 422); the schema only states it.
    user_id: PathId,
    request: Request,
) -> UserOut:
    actor = caller(request)
    return UserOut.of(await account_use_cases(request).get_user().execute(actor, user_id))


@protected.put("/users/{user_id}/role", responses=responses(400, 401, 403, 404, 409, 413, 415, 422))
async def change_role(user_id: PathId, body: RoleBody, request: Request) -> UserOut:
    """Admins only: the user's role from their next request on (their sessions go on).
    The last administrator cannot step down (409 `last_admin`)."""
    command = ChangeRoleCommand(caller(request), user_id, body.role)
    return UserOut.of(await account_use_cases(request).change_role().execute(command))
