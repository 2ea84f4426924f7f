from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from entrypoints.http.problems import problem_response


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the API's one error shape."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        detail = bytes(response.body).decode() or "Disallowed CORS request"
        headers = {k: v for k, v in response.headers.items() if k.lower().startswith("access-")}
        return problem_response(400, "cors_preflight_refused", detail, headers)
