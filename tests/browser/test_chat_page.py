"""The chat page in Chromium: two people chat live, a reload shows the history, a lost
connection catches up without duplicates, and markup in a message stays text."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.browser.chat_tab import RECONNECT_TIMEOUT_MS, ChatTab, unique
from tests.e2e.conftest import Server

SESSION_KEY = "caseworks.chat.session"
# Chromium logs a failed load on the console: an expected 401, or the cut connection.
EXPECTED_PROBLEMS = ("status of 401", "ERR_INTERNET_DISCONNECTED")

OpenTab = Callable[..., ChatTab]


@pytest.fixture
def tabs(browser: Any, chat_server: Server) -> Iterator[OpenTab]:
    opened: list[ChatTab] = []

    def open_tab(name: str, with_cable: bool = False) -> ChatTab:
        opened.append(ChatTab(browser, chat_server, unique(name), with_cable))
        return opened[-1]

    yield open_tab
    for tab in opened:
        tab.close()


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def create_room(tab: ChatTab, name: str) -> str:
    tab.page.get_by_label("New room name").fill(name)
    tab.page.get_by_role("button", name="Create room").click()
    expect(tab.page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    tab.expect_live()
    return tab.room_id()


def online(tab: ChatTab) -> Any:
    return tab.page.get_by_role("list", name="People online")


def unexpected_problems(*tabs: ChatTab) -> list[str]:
    return [
        problem
        for tab in tabs
        for problem in tab.problems
        if not any(expected in problem for expected in EXPECTED_PROBLEMS)
    ]


def test_two_people_chat_live_and_a_reload_shows_the_history(tabs: OpenTab) -> None:
    alice, bob = tabs("alice"), tabs("bob")
    alice.sign_up()
    room = unique("Room")
    room_id = create_room(alice, room)
    bob.sign_up()
    rooms = bob.page.get_by_role("navigation", name="Rooms")
    rooms.get_by_role("button", name=room).click()  # a public room: joined on opening
    bob.expect_live()
    assert bob.room_id() == room_id
    expect(online(alice)).to_contain_text(bob.username)
    expect(online(bob)).to_contain_text(alice.username)

    alice.send("Hello Bob")
    expect(bob.texts).to_have_text(["Hello Bob"])
    expect(alice.texts).to_have_text(["Hello Bob"])  # her own copy once: the acknowledgement
    expect(alice.unsent).to_have_count(0)
    bob.send("Hi Alice")
    conversation = ["Hello Bob", "Hi Alice"]
    expect(alice.texts).to_have_text(conversation)
    expect(bob.texts).to_have_text(conversation)

    bob.page.reload()  # still signed in (the session is the tab's), back in the same room
    bob.expect_live()
    expect(bob.page.get_by_role("heading", name=room, exact=True)).to_be_visible()
    expect(bob.texts).to_have_text(conversation)
    assert alice.shown_ids() == bob.shown_ids() == [1, 2]

    bob.close()
    expect(online(alice)).not_to_contain_text(bob.username)
    assert unexpected_problems(alice, bob) == []


def test_older_messages_load_on_request_and_an_expired_token_is_refreshed(
    tabs: OpenTab, chat_server: Server
) -> None:
    alice = tabs("alice")
    alice.sign_up()
    room_id = create_room(alice, unique("Archive"))
    texts = [f"message {number}" for number in range(1, 54)]
    post_messages(chat_server, session_of(alice)["access_token"], room_id, texts)
    expect(alice.texts).to_have_text(texts)  # live, as they were posted over HTTP

    # The access token expires: the page refreshes it (rotating the refresh token).
    before = session_of(alice)
    spoiled = {**before, "access_token": before["access_token"][:-4] + "AAAA"}
    alice.page.evaluate(
        "([key, value]) => sessionStorage.setItem(key, value)",
        [
            SESSION_KEY,
            json.dumps(spoiled),
        ],
    )
    alice.page.reload()
    alice.expect_live()
    expect(alice.texts).to_have_text(texts[-50:])  # the newest page
    assert session_of(alice)["refresh_token"] != before["refresh_token"]

    alice.page.get_by_role("button", name="Load older messages").click()
    expect(alice.texts).to_have_text(texts)
    expect(alice.page.get_by_role("button", name="Load older messages")).to_be_hidden()
    assert alice.shown_ids() == list(range(1, 54))
    assert unexpected_problems(alice) == []


def test_a_lost_connection_catches_up_without_duplicates(tabs: OpenTab) -> None:
    alice, bob = tabs("alice", with_cable=True), tabs("bob")
    cable = alice.cable
    assert cable is not None
    alice.sign_up()
    room_id = create_room(alice, unique("Flaky"))
    bob.sign_up(room_id)  # the room in the address is opened
    alice.send("before the cut")
    expect(bob.texts).to_have_text(["before the cut"])

    cable.cut()
    expect(alice.page.locator("#connection")).not_to_have_attribute("data-state", "live")
    missed = [f"while away {number}" for number in range(3)]
    for text in missed:
        bob.send(text)
    alice.send("written offline")  # kept, and sent once she is back
    expect(alice.unsent).to_have_count(1)
    expect(bob.texts).to_have_text(["before the cut", *missed])
    expect(alice.texts).to_have_text(["before the cut"])

    cable.restore()
    alice.expect_live(timeout=RECONNECT_TIMEOUT_MS)
    everything = ["before the cut", *missed, "written offline"]
    expect(alice.texts).to_have_text(everything)
    expect(bob.texts).to_have_text(everything)
    expect(alice.unsent).to_have_count(0)

    # Once more: what she has is not replayed twice, and live goes on after it.
    cable.cut()
    cable.restore()
    alice.expect_live(timeout=RECONNECT_TIMEOUT_MS)
    bob.send("welcome back")
    expect(alice.texts).to_have_text([*everything, "welcome back"])
    assert alice.shown_ids() == bob.shown_ids() == [1, 2, 3, 4, 5, 6]
    assert unexpected_problems(alice, bob) == []


def test_markup_in_a_message_or_a_room_name_is_shown_as_text(tabs: OpenTab) -> None:
    alice, bob = tabs("alice"), tabs("bob")
    alice.sign_up()
    room = "<i>" + unique("room") + "</i>"
    room_id = create_room(alice, room)
    bob.sign_up(room_id)
    expect(bob.page.get_by_role("heading", name=room, exact=True)).to_be_visible()

    markup = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b><script>1</script>"
    alice.send(markup)
    expect(bob.texts).to_have_text([markup])
    expect(alice.texts).to_have_text([markup])
    for tab in (alice, bob):
        assert tab.page.locator("main img, main b, main i, #messages script").count() == 0
        assert tab.page.title() == "Caseworks chat"
        assert not [url for url in tab.requests if url.endswith("/x")]
    assert unexpected_problems(alice, bob) == []


def test_what_the_server_would_refuse_is_not_sent(tabs: OpenTab) -> None:
    alice = tabs("alice")
    alice.sign_up()
    create_room(alice, unique("Strict"))
    refusals = {
        "   \n\t ": "Write something first.",
        "x" * 4001: "at most 4000 characters",
        "a bell \x07 rings": "no control characters",
    }
    for text, reason in refusals.items():
        alice.send(text)
        expect(alice.page.locator("#composer-error")).to_contain_text(reason)
        expect(alice.page.get_by_label("Message", exact=True)).to_have_value(text)  # kept
    expect(alice.unsent).to_have_count(0)
    longest = "tabs\tand line\nbreaks are text "
    longest += "x" * (4000 - len(longest))
    alice.send(longest)
    expect(alice.texts).to_have_count(1)
    expect(alice.page.locator("#composer-error")).to_be_empty()
    assert unexpected_problems(alice) == []


def test_a_wrong_password_is_said_and_nothing_is_kept(tabs: OpenTab) -> None:
    alice = tabs("alice")
    alice.sign_up()
    alice.page.get_by_role("button", name="Sign out").click()
    expect(alice.page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert alice.page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None

    alice.fill_credentials(password="not the password at all")
    alice.page.get_by_role("button", name="Sign in").click()
    expect(alice.page.get_by_role("alert").first).not_to_be_empty()
    expect(alice.page.locator("#chat")).to_be_hidden()
    assert alice.page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None
    alice.sign_in()  # the right one still works
    assert unexpected_problems(alice) == []


def session_of(tab: ChatTab) -> dict[str, Any]:
    stored = tab.page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    session: dict[str, Any] = json.loads(stored)
    return session


def post_messages(server: Server, token: str, room_id: str, texts: list[str]) -> None:
    """Posted over HTTP, waiting out the rate limit (a burst of 20, then 10 a second)."""
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as c:
        for text in texts:
            while True:
                response = c.post(f"/rooms/{room_id}/messages", json={"text": text})
                if response.status_code != 429:
                    break
                time.sleep(float(response.headers.get("Retry-After", "1")))
            assert response.status_code == 201, response.text
