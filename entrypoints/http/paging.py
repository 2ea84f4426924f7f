from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from application.shared.paging import Page
from entrypoints.http.urls import this_url


def set_paging_headers(request: Request, response: Response, page: Page[Any]) -> None:
    """The total in X-Total-Count; the next page, when there is one, in a Link header."""
    response.headers["X-Total-Count"] = str(page.total)
    if page.next_offset is not None:
        next_url = this_url(request, limit=page.limit, offset=page.next_offset)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
