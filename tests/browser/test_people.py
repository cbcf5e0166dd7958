"""Signing in and editing a profile in real Chromium, at desktop and phone widths, with axe on every page."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from coproduce.people.models import Person

from .conftest import assert_no_axe_violations, sign_in_browser

PHONE = {"width": 375, "height": 740}


@pytest.fixture(autouse=True)
def _empty_rate_limits():
    cache.clear()


def text(locator) -> str:
    return " ".join(locator.text_content().split())


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_sign_in_with_a_typed_code(new_page, live_server, mailoutbox):
    Person.objects.create_user(email="grace@example.org", badge_name="Grace")
    page = new_page(viewport=PHONE)
    page.goto(live_server.url + "/sign-in/")
    assert page.locator("h1").inner_text() == "Sign in"
    assert_no_axe_violations(page, "sign-in page")
    no_sideways_scrolling(page)

    page.get_by_role("button", name="Send me a sign-in link").click()
    assert text(page.locator("#id_email-error")) == "Error: Enter your e-mail address"
    assert_no_axe_violations(page, "sign-in page with an error")

    page.get_by_label("Your e-mail address").fill("grace@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sign-in/code/")
    assert page.locator("h1").inner_text() == "Check your e-mail"
    assert_no_axe_violations(page, "code page")

    code = re.search(r"^\s+(\d{3} \d{3})$", mailoutbox[0].body, re.MULTILINE).group(1)
    page.get_by_label("Sign-in code").fill("000 000" if code != "000 000" else "111 111")
    page.keyboard.press("Enter")
    assert "That code is not right" in text(page.locator("#id_code-error"))
    assert_no_axe_violations(page, "code page with an error")

    page.get_by_label("Sign-in code").fill(code)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    assert "You are signed in as Grace." in page.locator(".messages").inner_text()


@pytest.mark.django_db(transaction=True)
def test_expired_link_page_offers_a_new_link(page, live_server):
    page.goto(live_server.url + "/sign-in/link/no-such-token/")
    assert page.locator("h1").inner_text() == "This sign-in link does not work"
    assert page.get_by_role("link", name="Send me a new link").is_visible()
    assert_no_axe_violations(page, "broken link page")


@pytest.mark.django_db(transaction=True)
def test_demo_sign_in_list(page, live_server, settings):
    from coproduce.demo.cast import ensure_cast

    settings.DEMO_MODE = True
    ensure_cast()
    page.goto(live_server.url + "/sign-in/")
    assert_no_axe_violations(page, "sign-in page in demo mode")
    page.get_by_role("button", name="Sign in as Grace").click()
    assert "You are signed in as Grace." in page.locator(".messages").inner_text()


@pytest.mark.django_db(transaction=True)
def test_profile_on_a_phone_with_the_keyboard(new_page, live_server):
    person = Person.objects.create_user(email="tom@example.org", badge_name="Tom")
    page = new_page(viewport=PHONE)
    sign_in_browser(page, live_server, person)
    page.goto(live_server.url + "/me/")
    assert page.locator("#review-heading").inner_text() == "Please check your communication and access needs"
    assert_no_axe_violations(page, "profile page")
    no_sideways_scrolling(page)

    # Keyboard only: skip link, then through the form.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_badge_name"
    page.keyboard.press("Tab")
    page.keyboard.type("he/him")
    page.keyboard.press("Tab")  # into the contact preference radios (E-mail is checked)
    assert page.evaluate("document.activeElement.id") == "id_contact_preference_0"
    page.keyboard.press("ArrowDown")  # Phone
    assert page.locator("#id_contact_preference_1").is_checked()
    page.locator("#id_phone").focus()
    page.keyboard.press("Enter")  # submit without a phone number
    error = page.locator("#id_phone-error")
    assert text(error) == "Error: Enter a phone number, or choose another way for us to contact you"
    assert page.locator("#id_phone").get_attribute("aria-describedby") == "id_phone-hint id_phone-error"
    assert_no_axe_violations(page, "profile page with an error")
    no_sideways_scrolling(page)

    page.locator("#id_phone").fill("07700 900418")
    page.locator("#id_access_needs_4").focus()  # Step-free access
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my profile").press("Enter")
    assert page.locator(".messages").inner_text() == "Your profile is saved."
    assert page.locator("#review-heading").count() == 0
    assert_no_axe_violations(page, "saved profile page")
    person.refresh_from_db()
    assert (person.pronouns, person.contact_preference, person.phone, person.access_needs) == (
        "he/him",
        "phone",
        "07700 900418",
        ["step_free"],
    )


@pytest.mark.django_db(transaction=True)
def test_erase_and_invite_pages(new_page, live_server, project, coordinator):
    page = new_page(viewport=PHONE)
    sign_in_browser(page, live_server, coordinator)
    for path, heading in [
        ("/me/erase/", "Erase my data"),
        (f"/projects/{project.pk}/invite/", "Invite someone to Better discharge together"),
        (f"/projects/{project.pk}/perspectives/", "Perspectives in Better discharge together"),
    ]:
        page.goto(live_server.url + path)
        assert page.locator("h1").inner_text() == heading
        assert_no_axe_violations(page, path)
        no_sideways_scrolling(page)
