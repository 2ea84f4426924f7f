"""The chat page at /chat: served by the app with the right types and a strict policy,
made of this server's files only, and shipped in the package (no build step, no CDN).
What it does in a browser is tests/browser/'s."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from entrypoints.http.chat.page import PAGE_DIR, asset_names
from tests.http.test_docs import ABSOLUTE_URL, parse_policy

BASE = "http://testserver"
PAGE = f"{BASE}/chat"
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# An ES module's static imports: `import {a} from "./api.js";`
MODULE_IMPORT = re.compile(r"""^\s*import\b[^;]*?\bfrom\s+["']([^"']+)["']""", re.M | re.S)
# Where a string becomes HTML or code: the page never uses one (its policy forbids them too).
SINKS = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(")
SVG_NAMESPACE = "http://www.w3.org/2000/svg"  # a name, never fetched


class Markup(HTMLParser):
    """What a browser would load from the page, and anything that would run inline."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []  # inline code or style: the policy would block it
        self.labelled: set[str] = set()
        self.fields: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.urls += [value for key, value in attrs if key in ("src", "href") and value]
        self.inline += [key for key, _ in attrs if key.startswith("on") or key == "style"]
        if tag == "script":
            self.scripts.append(named)
            if not named.get("src"):
                self.inline.append("<script>")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "label" and named.get("for"):
            self.labelled.add(str(named["for"]))
        if tag in ("input", "textarea", "select"):
            self.fields.append(str(named.get("id")))


async def fetch(client: httpx.AsyncClient, url: str) -> httpx.Response:
    response = await client.get(url)
    assert response.status_code == 200, (url, response.text)
    return response


async def test_the_page_is_html_under_a_same_origin_policy(client: httpx.AsyncClient) -> None:
    response = await fetch(client, "/chat")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = parse_policy(response.headers["content-security-policy"])
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"  # the API and its WebSocket, on this origin
    assert policy["require-trusted-types-for"] == "'script'"  # innerHTML = "..." throws
    assert policy["frame-ancestors"] == "'none'"
    for sources in policy.values():
        assert "http" not in sources
        assert "*" not in sources
    assert "<h1>Caseworks chat</h1>" in response.text


async def test_every_file_the_page_loads_is_served_here_with_its_type(
    client: httpx.AsyncClient,
) -> None:
    page = Markup((await fetch(client, "/chat")).text)
    assert page.inline == []
    assert [script.get("type") for script in page.scripts] == ["module"]
    # Walk the page's links and each module's imports: every file, and each one once.
    pending = [urljoin(PAGE, url) for url in page.urls]
    seen: set[str] = set()
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        assert urlsplit(url)[:2] == ("http", "testserver"), url
        assert urlsplit(url).path.startswith("/chat/assets/"), url
        response = await fetch(client, url)
        suffix = Path(urlsplit(url).path).suffix
        assert response.headers["content-type"].startswith(TYPES[suffix]), url
        assert response.headers["x-content-type-options"] == "nosniff"
        if suffix == ".js":
            pending += [urljoin(url, name) for name in MODULE_IMPORT.findall(response.text)]
    served = {Path(urlsplit(url).path).name for url in seen}
    assert served == set(asset_names())  # no file shipped that the page never uses
    assert {"chat.js", "chat.css", "api.js", "live.js"} <= served


def test_no_file_of_the_page_names_another_host_or_an_html_sink() -> None:
    for name in ["chat.html", *asset_names()]:
        text = (PAGE_DIR / name).read_text(encoding="utf-8")
        foreign = [url for url in ABSOLUTE_URL.findall(text) if url != SVG_NAMESPACE]
        assert foreign == [], name
        if name.endswith(".js"):
            assert [sink for sink in SINKS if sink in text] == [], name


def test_every_form_field_has_a_label() -> None:
    page = Markup((PAGE_DIR / "chat.html").read_text(encoding="utf-8"))
    assert len(page.fields) >= 5
    unlabelled = [field for field in page.fields if field not in page.labelled]
    assert unlabelled == []


@pytest.mark.parametrize("path", ["/chat", "/chat/assets/chat.js"])
async def test_an_unchanged_file_is_not_sent_again(client: httpx.AsyncClient, path: str) -> None:
    first = await fetch(client, path)
    assert first.headers["cache-control"] == "no-cache"  # revalidated: upgrades show at once
    again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


async def test_only_the_page_files_are_served_and_none_is_in_the_schema(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/chat/assets/__init__.py", "/chat/assets/missing.js", "/chat/assets/"):
        assert (await client.get(path)).status_code == 404, path
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if path == "/chat" or path.startswith("/chat/assets")]


def test_the_page_files_are_package_data_of_the_wheel() -> None:
    pyproject = Path(__file__).parents[2] / "pyproject.toml"
    package_data = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"]
    patterns = package_data["entrypoints.http.chat.page"]
    files = ["chat.html", *asset_names()]
    assert [name for name in files if not any(fnmatch(name, p) for p in patterns)] == []
