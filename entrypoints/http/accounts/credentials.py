"""Read login credentials from a JSON body or the OAuth2 password form."""

from __future__ import annotations

import codecs
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from entrypoints.http.accounts.schemas import LoginBody, LoginForm

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

_Model = TypeVar("_Model", bound=BaseModel)

LOGIN_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        FORM: {"schema": LoginForm.model_json_schema()},
        JSON: {"schema": LoginBody.model_json_schema()},
    },
}


async def read_credentials(request: Request) -> LoginBody:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media_type == JSON:
        # A UTF-8 byte order mark is ignored (RFC 8259 allows it), as on every JSON route.
        return _validated(LoginBody, body.removeprefix(codecs.BOM_UTF8), json=True)
    if media_type == FORM:
        try:
            pairs = parse_qsl(
                body.decode("utf-8"),
                keep_blank_values=True,
                max_num_fields=16,
                strict_parsing=bool(body),
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise HTTPException(400, "request body is not a valid form") from exc
        form = dict(pairs)
        if len(form) != len(pairs):
            raise HTTPException(400, "a form field was given more than once")
        return _validated(LoginForm, form, json=False)
    raise HTTPException(415, f"send the credentials as {JSON} or {FORM}")


def _validated(model: type[_Model], data: Any, json: bool) -> _Model:
    try:
        if json:
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
