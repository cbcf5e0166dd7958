"""Real headless Chromium (Debian's package) driven by Playwright, with an axe audit helper.

Never downloads a browser: Chromium comes from ``apt-get install chromium`` (see .ci/run).
Browser tests are skipped, saying why, when /usr/bin/chromium is absent on a developer's machine;
CI sets COPRODUCE_REQUIRE_BROWSER=1 so that there they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("COPRODUCE_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; Django's ORM calls from fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API holds an asyncio loop in this thread while it runs, which
    # would break async_to_sync in the websocket tests that follow the browser tests.
    if not Path(CHROMIUM).exists():
        if os.environ.get("COPRODUCE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Make pages in fresh contexts (each context is a separate person); all closed after the test."""
    contexts = []

    def make(viewport=None, **kwargs):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, **kwargs)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def assert_no_axe_violations(page, context: str = "") -> None:
    """Run axe-core (bundled with axe-playwright-python, works offline) and fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
            }
        },
    )
    violations = results.response.get("violations", [])
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {context or page.url}:"]
        for v in violations:
            targets = ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
            lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')} at {targets}")
        pytest.fail("\n".join(lines))


def sign_in_browser(page, live_server, person) -> None:
    """Sign a person in within a browser context by giving it a session cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "domain": host, "path": "/"}]
    )
