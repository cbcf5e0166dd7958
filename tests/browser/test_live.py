"""A live workshop end to end in real Chromium: a facilitator and three participants, three phases.

The server is a real ``coproduce serve`` (ASGI, websockets) on a loopback port with its own SQLite
file database, so pages talk over real websockets. One participant's browser has no WebSocket at all,
as on networks that block them: that page polls and its forms post normally.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.live.stack import PROJECT_ROOT, Server, free_port, server_env

from .conftest import assert_no_axe_violations

WAIT = 30_000  # ms: only a bound so that a broken test fails instead of hanging


@pytest.fixture
def stack(tmp_path):
    env = server_env(database_url=f"sqlite:///{tmp_path / 'live.sqlite3'}", data_dir=tmp_path)
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.browser.live_seed"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert seeded.returncode == 0, seeded.stderr
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    server = Server(free_port(), env, tmp_path / "server.log")
    try:
        server.wait_until_up()
        data["url"] = server.url
        data["server"] = server
        yield data
    finally:
        server.stop()


def _participant(new_page, stack, name: str, *, websockets: bool = True, mobile: bool = True):
    page = new_page(viewport={"width": 390, "height": 844} if mobile else None)
    if not websockets:
        page.context.add_init_script("delete window.WebSocket;")
    page.goto(f"{stack['url']}/live/j/{stack['code']}/")
    assert_no_axe_violations(page, "join page")
    page.get_by_label("Your badge name").fill(name)
    page.get_by_role("button", name="Join").click()
    page.get_by_text(f"You are taking part as {name}").wait_for(timeout=WAIT)
    return page


def _vote_on_everything(page, choice: str) -> int:
    """Vote on each statement shown until none is left; returns how many votes were cast."""
    votes = 0
    while page.locator(".statement-card").count():
        statement = page.locator(".statement-card").inner_text()
        page.get_by_role("button", name=choice, exact=True).click()
        page.wait_for_function(
            "text => !document.querySelector('.statement-card') || "
            "document.querySelector('.statement-card').innerText !== text",
            arg=statement,
            timeout=WAIT,
        )
        votes += 1
    return votes


def test_a_three_phase_workshop_with_a_facilitator_and_three_participants(new_page, stack):
    from playwright.sync_api import expect

    facilitator = new_page()
    facilitator.context.add_cookies(
        [{"name": "sessionid", "value": stack["facilitator_cookie"], "url": stack["url"]}]
    )
    facilitator.goto(f"{stack['url']}/live/event/{stack['event']}/")
    assert_no_axe_violations(facilitator, "the event's live sessions")
    facilitator.get_by_role("link", name="Run this session").click()
    expect(facilitator.locator("h1")).to_have_text("Run: Leaving hospital well")
    assert_no_axe_violations(facilitator, "control page")
    screen = facilitator.context.new_page()
    screen.goto(f"{stack['url']}/live/{stack['session']}/screen/")
    expect(screen.locator("#live-connection")).to_contain_text("Connected", timeout=WAIT)
    assert_no_axe_violations(screen, "room screen before the start")

    ann = _participant(new_page, stack, "Ann")
    bea = _participant(new_page, stack, "Bea")
    cal = _participant(new_page, stack, "Cal", websockets=False)  # as if websockets were blocked
    for page in (ann, bea):
        expect(page.locator("#live-connection")).to_contain_text("Connected", timeout=WAIT)
    expect(cal.locator("#live-connection")).to_contain_text("Updating every few seconds", timeout=WAIT)
    assert_no_axe_violations(ann, "participant page while waiting")

    # Phase 1: the facilitator starts; everyone's page follows by itself.
    facilitator.get_by_role("button", name="Start the session").click()
    expect(facilitator.locator(".messages")).to_contain_text("The session has started.")
    for page in (ann, bea, cal, screen):
        expect(page.locator("#phase-title")).to_have_text("Preparing the ground", timeout=WAIT)
        expect(page.locator(".phase__time-left")).to_contain_text("minutes left")
    facilitator.get_by_role("button", name="Pause the timer").click()
    expect(ann.locator(".phase__timer")).to_contain_text("(paused)", timeout=WAIT)
    facilitator.get_by_role("button", name="Resume the timer").click()
    expect(ann.locator(".phase__timer")).not_to_contain_text("(paused)", timeout=WAIT)

    # Phase 2: statements and votes.
    facilitator.get_by_role("button", name="Next phase").click()
    for page in (ann, bea, cal, screen):
        expect(page.locator("#phase-title")).to_have_text("Exploring together", timeout=WAIT)
    expect(ann.locator(".statement-card")).to_be_visible(timeout=WAIT)
    assert_no_axe_violations(ann, "participant page: voting")

    ann.get_by_label("Your statement").fill("   ")
    ann.get_by_role("button", name="Send the statement").click()
    expect(ann.locator("#live-feedback")).to_have_text(
        "Please write your statement before sending it.", timeout=WAIT
    )
    expect(ann.get_by_label("Your statement")).to_have_attribute("aria-invalid", "true")
    ann.get_by_label("Your statement").fill("A named person should phone the day after discharge.")
    ann.get_by_role("button", name="Send the statement").click()
    expect(ann.locator("#live-feedback")).to_have_text(
        "Thank you. Your statement is now in the list for everyone to vote on.", timeout=WAIT
    )
    cal.get_by_label("Your statement").fill("Transport home should be booked the day before.")
    cal.get_by_role("button", name="Send the statement").click()  # a plain POST: no websocket here
    expect(cal.locator(".messages")).to_contain_text(
        "Thank you. Your statement is now in the list", timeout=WAIT
    )

    assert _vote_on_everything(ann, "Agree") == 4
    expect(ann.locator("#live-feedback")).to_have_text("Vote saved.")
    assert _vote_on_everything(bea, "Disagree") == 4
    assert _vote_on_everything(cal, "Agree") == 4
    expect(cal.locator(".messages")).to_contain_text("Vote saved.")

    # Ann changes her mind about one statement, on her own votes page.
    ann.get_by_role("link", name="See or change your 4 votes").click()
    assert_no_axe_violations(ann, "own votes page")
    ann.get_by_role("button", name="Change to pass").first.click()
    expect(ann.locator(".messages")).to_contain_text("Vote saved.")
    expect(ann.get_by_text("(you said: Pass)")).to_have_count(1)
    ann.get_by_role("link", name="Back to the session").click()

    expect(screen.locator("#live-map")).to_contain_text(
        "3 people have cast 12 votes on 4 statements.", timeout=WAIT
    )
    assert_no_axe_violations(screen, "room screen with the live map")
    for name in ("Ann", "Bea", "Cal"):
        expect(screen.locator("#live-map")).not_to_contain_text(name)

    # Phase 3: take-home messages on the wall.
    facilitator.reload()
    facilitator.get_by_role("button", name="Next phase").click()
    for page in (ann, bea, cal, screen):
        expect(page.locator("#phase-title")).to_have_text(
            "Tracking themes and take-home messages", timeout=WAIT
        )
    for page, text in (
        (ann, "Ask carers first."),
        (bea, "Plain English, always."),
        (cal, "Book the transport early."),
    ):
        page.get_by_label("Your take-home message").fill(text, timeout=WAIT)
        page.get_by_role("button", name="Put it on the wall").click()
    for text in ("Ask carers first.", "Plain English, always.", "Book the transport early."):
        expect(screen.locator("#take-home-wall")).to_contain_text(text, timeout=WAIT)
    assert_no_axe_violations(ann, "participant page: take-home message")
    assert_no_axe_violations(screen, "room screen with the wall")

    facilitator.get_by_role("button", name="Finish the session").click()
    for page in (ann, bea, cal):
        expect(page.locator("#phase-title")).to_have_text("The session has finished", timeout=WAIT)
    ann.get_by_role("link", name="What we found together (outcomes)").click()
    expect(ann.locator("h1")).to_contain_text("What we found together")
    expect(ann.locator("main")).to_contain_text("Ask carers first.")
    assert_no_axe_violations(ann, "outcomes page")
