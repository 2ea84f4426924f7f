"""/docs and /redoc need nothing but this server: every asset they name is served here."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

BASE = "http://testserver"
ASSET_TYPES = ("text/javascript", "application/javascript", "text/css", "image/")
ABSOLUTE_URL = re.compile(r"""\b(?:https?:)?//[^\s'"<>)]+""")


class Page(HTMLParser):
    """The URLs a browser would load from a page, and its inline scripts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.urls += [value for key, value in attrs if key in ("src", "href") and value]
        if tag == "redoc" and named.get("spec-url"):
            self.urls.append(str(named["spec-url"]))
        self._in_inline_script = tag == "script" and "src" not in named

    def handle_endtag(self, tag: str) -> None:
        self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.inline_scripts.append(data)


def script_urls(script: str) -> list[str]:
    """The URLs the Swagger UI init script uses: the spec and the OAuth2 redirect page."""
    urls = re.findall(r"\burl: '([^']*)'", script)
    urls += re.findall(r"oauth2RedirectUrl: window\.location\.origin \+ '([^']*)'", script)
    return urls


def same_origin(url: str) -> bool:
    parts = urlsplit(urljoin(BASE + "/docs", url))
    return (parts.scheme, parts.netloc) == ("http", "testserver")


def parse_policy(header: str) -> dict[str, str]:
    """{"script-src": "'self' 'sha256-...'", ...}"""
    directives = (directive.partition(" ") for directive in header.split("; "))
    return {name: sources for name, _, sources in directives}


async def fetch_page(client: httpx.AsyncClient, path: str) -> tuple[httpx.Response, Page]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response, Page(response.text)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_docs_pages_load_everything_from_this_server(
    client: httpx.AsyncClient, path: str
) -> None:
    response, page = await fetch_page(client, path)
    urls = page.urls + [url for script in page.inline_scripts for url in script_urls(script)]
    assert urls
    assert [url for url in urls if not same_origin(url)] == []
    # Nothing else in the page (inline script included) names another host either.
    assert [u for u in ABSOLUTE_URL.findall(response.text) if not same_origin(u)] == []

    assets = [url for url in urls if "/docs/assets/" in url]
    assert any(url.endswith(".js") for url in assets)
    for url in assets:
        asset = await client.get(urljoin(BASE + path, url))
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].startswith(ASSET_TYPES), (url, asset.headers)
        assert len(asset.content) > 1000, url
    spec = [url for url in urls if url.endswith("/openapi.json")]
    assert spec
    assert (await client.get(spec[0])).json()["info"]["title"] == "Caseworks"


async def test_swagger_ui_uses_local_assets_and_no_online_validator(
    client: httpx.AsyncClient,
) -> None:
    _, page = await fetch_page(client, "/docs")
    assert any(url.endswith("/docs/assets/swagger-ui-bundle.js") for url in page.urls)
    assert any(url.endswith("/docs/assets/swagger-ui.css") for url in page.urls)
    [script] = page.inline_scripts
    assert '"validatorUrl": null' in script
    [redirect] = re.findall(r"oauth2RedirectUrl: window\.location\.origin \+ '([^']*)'", script)
    assert redirect == "/docs/oauth2-redirect"
    response, redirect_page = await fetch_page(client, redirect)
    assert "swaggerUIRedirectOauth2" in response.text
    assert redirect_page.inline_scripts


async def test_redoc_uses_the_local_bundle_and_no_web_fonts(client: httpx.AsyncClient) -> None:
    response, page = await fetch_page(client, "/redoc")
    assert any(url.endswith("/docs/assets/redoc.standalone.js") for url in page.urls)
    assert "fonts.googleapis.com" not in response.text


async def test_the_redoc_bundle_is_served_without_its_cdn_logo(client: httpx.AsyncClient) -> None:
    bundle = await client.get("/docs/assets/redoc.standalone.js")
    assert bundle.status_code == 200
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert b"Redoc" in bundle.content
    assert b"cdn.redoc.ly" not in bundle.content
    etag = bundle.headers["etag"]
    cached = await client.get("/docs/assets/redoc.standalone.js", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_pages_send_a_self_only_policy_allowing_just_their_inline_scripts(
    client: httpx.AsyncClient, path: str
) -> None:
    response, page = await fetch_page(client, path)
    policy = parse_policy(response.headers["content-security-policy"])
    assert policy["default-src"] == "'none'"
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in page.inline_scripts
    ]
    assert policy["script-src"].split() == ["'self'", *hashes]
    for sources in policy.values():
        assert "http" not in sources  # no other host, whatever the directive
        assert "unsafe-eval" not in sources
    if path != "/redoc":  # ReDoc alone needs inline styles and a blob: worker
        assert policy["style-src"] == "'self'"
        assert "worker-src" not in policy


async def test_docs_are_not_in_the_schema_and_fastapi_cdn_pages_are_gone(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc"))]
    for path in ("/docs", "/redoc"):
        assert "cdn.jsdelivr.net" not in (await client.get(path)).text
    missing = await client.get("/docs/assets/no-such-file.js")
    assert missing.status_code == 404
