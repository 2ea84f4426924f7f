"""Accounts: register, log in, rotate tokens, log out, the caller's profile, admin listing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from application.accounts.dto import ChangePasswordCommand, LoginCommand, RegisterCommand
from application.accounts.login import Login
from application.accounts.profile import ChangePassword, GetCurrentUser, GetUser, ListUsers
from application.accounts.registration import RegisterUser
from application.accounts.sessions import Logout, RefreshTokens
from application.shared.paging import MAX_LIMIT
from entrypoints.http.accounts_schemas import (
    ChangePasswordBody,
    RefreshBody,
    RegisterBody,
    TokenOut,
    UserOut,
)
from entrypoints.http.credentials import LOGIN_REQUEST_BODY, read_credentials
from entrypoints.http.deps import CurrentActor, client_address, provided
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses

router = APIRouter(tags=["accounts"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses=responses(400, 409, 413, 422),
)
async def register(
    body: RegisterBody,
    request: Request,
    response: Response,
    use_case: Annotated[RegisterUser, Depends(provided("register_user"))],
) -> UserOut:
    user = await use_case.execute(RegisterCommand(body.username, body.password, body.email))
    response.headers["Location"] = str(request.url_for("get_user", user_id=user.id))
    return UserOut.of(user)


@router.post(
    "/login",
    responses=responses(400, 401, 413, 415, 422, 429),
    openapi_extra={"requestBody": LOGIN_REQUEST_BODY},
)
async def login(
    request: Request, use_case: Annotated[Login, Depends(provided("login"))]
) -> TokenOut:
    credentials = await read_credentials(request)
    command = LoginCommand(credentials.username, credentials.password, client_address(request))
    return TokenOut.of(await use_case.execute(command))


@router.post("/token/refresh", responses=responses(400, 401, 413, 422))
async def refresh(
    body: RefreshBody,
    use_case: Annotated[RefreshTokens, Depends(provided("refresh_tokens"))],
) -> TokenOut:
    return TokenOut.of(await use_case.execute(body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401))
async def logout(
    actor: CurrentActor, use_case: Annotated[Logout, Depends(provided("logout"))]
) -> None:
    await use_case.execute(actor)


@router.get("/users/me", responses=responses(401))
async def me(
    actor: CurrentActor,
    use_case: Annotated[GetCurrentUser, Depends(provided("get_current_user"))],
) -> UserOut:
    return UserOut.of(await use_case.execute(actor))


@router.put(
    "/users/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(400, 401, 403, 413, 422),
)
async def change_password(
    body: ChangePasswordBody,
    actor: CurrentActor,
    use_case: Annotated[ChangePassword, Depends(provided("change_password"))],
) -> None:
    await use_case.execute(ChangePasswordCommand(actor, body.current_password, body.new_password))


@router.get("/users", responses=responses(401, 403, 422))
async def list_users(
    request: Request,
    response: Response,
    actor: CurrentActor,
    use_case: Annotated[ListUsers, Depends(provided("list_users"))],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[UserOut]:
    page = await use_case.execute(actor, limit, offset)
    set_paging_headers(request, response, page)
    return [UserOut.of(user) for user in page.items]


@router.get("/users/{user_id}", responses=responses(401, 404))
async def get_user(
    user_id: str,
    actor: CurrentActor,
    use_case: Annotated[GetUser, Depends(provided("get_user"))],
) -> UserOut:
    return UserOut.of(await use_case.execute(actor, user_id))
