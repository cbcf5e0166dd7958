"""Events in real Chromium: finding, signing up (with and without JavaScript), and checking people in
on a phone. Every page visited passes an axe audit with zero violations."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from coproduce.events.actions import (
    do_add_agenda_item,
    do_create_event,
    do_register_for_event,
    do_register_visitor_for_event,
)
from coproduce.events.models import Event, Registration
from coproduce.people.models import Person

from .conftest import assert_no_axe_violations, sign_in_browser

pytestmark = pytest.mark.django_db(transaction=True)
LONDON = ZoneInfo("Europe/London")
PHONE = {"width": 390, "height": 844}


def _at(days: int, hour: int, minute: int = 0, weekday: int | None = None) -> datetime:
    day = timezone.localdate(timezone=LONDON) + timedelta(days=days)
    while weekday is not None and day.isoweekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _event(project, title, starts_at, **fields):
    fields.setdefault("venue", "Harbour Lane Community Hub, Room 2")
    return do_create_event(
        project,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1, minutes=30),
        acting_user=None,
        **fields,
    )


def _sign_up(event, person, **fields):
    fields.setdefault("access_needs", [])
    fields.setdefault("details", "")
    fields.setdefault("attendance", None)
    return do_register_for_event(event, person, acting_user=None, notify=False, **fields)[0]


@pytest.fixture
def events(project, coordinator):
    cuppa = _event(
        project,
        "Evening cuppa",
        _at(6, 18, 30, weekday=2),
        is_public=True,
        capacity=20,
        format=Event.Format.ONLINE,
        kind=Event.Kind.DROP_IN,
        online_joining_link="https://meet.example.org/cuppa",
    )
    workshop = _event(
        project,
        "Morning workshop",
        _at(8, 10, weekday=4),
        is_public=True,
        capacity=2,
        format=Event.Format.HYBRID,
        online_joining_link="https://meet.example.org/workshop",
        access_information="Step-free entrance, hearing loop.",
    )
    for title, minutes in [
        ("Preparing the ground", 10),
        ("Exploring together", 30),
        ("Tracking themes and take-home messages", 20),
    ]:
        do_add_agenda_item(workshop, title=title, duration_minutes=minutes, acting_user=coordinator)
    _event(project, "Saturday festival", _at(9, 11, weekday=6), is_public=True, capacity=50)
    return {"cuppa": cuppa, "workshop": workshop}


def test_public_events_page_with_filters(page, live_server, events):
    page.goto(live_server.url + "/events/")
    assert page.locator("h1").inner_text() == "Upcoming events"
    assert page.get_by_role("link", name="Evening cuppa").is_visible()
    assert_no_axe_violations(page, "public events page")

    page.get_by_label("Evening (starts at 5pm or later)").check()
    page.get_by_role("button", name="Show events").click()
    page.wait_for_url("**/events/?*time_of_day=evening*")
    assert page.get_by_role("link", name="Evening cuppa").is_visible()
    assert page.get_by_role("link", name="Morning workshop").count() == 0
    assert page.locator("#results-title").inner_text() == "1 event"
    assert_no_axe_violations(page, "filtered events page")

    page.goto(live_server.url + "/events/?start_date=2027-03-10&end_date=2027-03-01")
    assert (
        "The end date must be on or after the start date." in page.locator("#id_end_date-error").inner_text()
    )
    assert_no_axe_violations(page, "events page with a filter error")


def test_event_page_says_how_many_places_are_left(page, live_server, events):
    page.goto(f"{live_server.url}/events/{events['workshop'].pk}/")
    assert page.locator(".sign-up-box .places").inner_text() == "2 places left"
    assert page.get_by_role("table", name="Agenda").is_visible()
    assert "https://meet.example.org/workshop" not in page.content()
    assert_no_axe_violations(page, "event page")


def audit_without_javascript(page, auditor, context: str) -> None:
    """axe itself needs JavaScript: audit the exact page the no-JavaScript browser shows, copied into a
    page that runs scripts, at the same address so its styles load the same way."""
    auditor.goto(page.url)
    auditor.set_content(page.content())
    assert_no_axe_violations(auditor, context)


def test_sign_up_without_javascript(new_page, live_server, events, mailoutbox):
    page = new_page(java_script_enabled=False)
    auditor = new_page()
    page.goto(f"{live_server.url}/events/{events['workshop'].pk}/")
    page.get_by_role("link", name="Sign up").click()
    assert page.locator("h1").inner_text() == "Sign up: Morning workshop"
    audit_without_javascript(page, auditor, "sign-up form (no JavaScript)")

    page.get_by_role("button", name="Sign up").click()  # nothing filled in
    assert page.locator(".error-summary").is_visible()
    assert "Enter the name you would like on your badge." in page.locator("#id_badge_name-error").inner_text()
    assert (
        "Choose whether you will take part in person or online."
        in page.locator("#id_attendance-error").inner_text()
    )
    audit_without_javascript(page, auditor, "sign-up form with errors (no JavaScript)")

    page.get_by_label("Your name").fill("Vi")
    page.get_by_label("E-mail address").fill("vi@example.org")
    page.get_by_label("In person").check()
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Sign up").click()
    assert page.locator("h1").inner_text() == "Thank you: check your e-mail"
    audit_without_javascript(page, auditor, "signed-up page (no JavaScript)")
    registration = Registration.objects.get(person__email="vi@example.org")
    assert (registration.status, registration.attendance, registration.access_needs) == (
        "held",
        "in_person",
        ["step_free"],
    )

    # The place is the visitor's once they confirm with the link in the e-mail.
    [request] = mailoutbox
    link = re.search(r"http://\S+(/events/confirm/\S+/)", request.body).group(1)
    page.goto(live_server.url + link)
    assert page.locator("h1").inner_text() == "Confirm your sign-up"
    audit_without_javascript(page, auditor, "confirm sign-up page (no JavaScript)")
    page.get_by_role("button", name="Confirm my place").click()
    assert page.locator("h1").inner_text() == "Your sign-up is confirmed"
    audit_without_javascript(page, auditor, "sign-up confirmed page (no JavaScript)")
    registration.refresh_from_db()
    assert registration.status == "registered"


def test_sign_up_with_javascript_when_full_shows_the_waitlist_position(page, live_server, events, member):
    workshop = events["workshop"]
    for n in range(3):
        someone = Person.objects.create_user(email=f"p{n}@example.org", badge_name=f"P{n}")
        _sign_up(workshop, someone, attendance="online")
    member.access_needs = ["bsl"]
    member.save()
    sign_in_browser(page, live_server, member)
    page.goto(f"{live_server.url}/events/{workshop.pk}/")
    assert page.locator(".sign-up-box .places").inner_text() == "Full — join the waitlist (1 waiting)"
    page.get_by_role("link", name="Join the waitlist").click()
    assert page.get_by_label("British Sign Language (BSL) interpreter").is_checked()  # from the profile
    page.get_by_label("Online").check()
    assert_no_axe_violations(page, "sign-up form (signed in)")
    page.get_by_role("button", name="Join the waitlist").click()
    assert page.locator(".panel__title").inner_text() == "You are on the waitlist: number 2 in the queue."
    assert_no_axe_violations(page, "your sign-up page")

    page.goto(f"{live_server.url}/events/mine/")
    assert page.get_by_text("Waitlist: number 2 in the queue.").is_visible()
    page.get_by_role("button", name="Make my private calendar address").click()
    assert "/events/calendar/" in page.locator("#feed-url").input_value()
    assert_no_axe_violations(page, "my events page")

    page.get_by_role("link", name="Leave the waitlist for Morning workshop").click()
    assert_no_axe_violations(page, "leave the waitlist page")
    page.get_by_role("button", name="Yes, leave the waitlist").click()
    assert page.get_by_text("You have left the waitlist for “Morning workshop”.").is_visible()


def test_facilitator_checks_people_in_on_a_phone(new_page, live_server, events, facilitator):
    workshop = events["workshop"]
    ash = Person.objects.create_user(email="ash@example.org", badge_name="Ash")
    bo = Person.objects.create_user(email="bo@example.org", badge_name="Bo")
    _sign_up(workshop, ash, attendance="in_person", access_needs=["step_free"])
    _sign_up(workshop, bo, attendance="online")
    page = new_page(viewport=PHONE)
    sign_in_browser(page, live_server, facilitator)

    page.goto(f"{live_server.url}/events/{workshop.pk}/registrations/")
    assert page.get_by_text("1 needs step-free access").is_visible()
    assert_no_axe_violations(page, "registrations and access plan (phone)")

    page.goto(f"{live_server.url}/events/{workshop.pk}/check-in/")
    assert_no_axe_violations(page, "check-in (phone)")
    button = page.get_by_role("button", name="Check in Ash")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert box["x"] + box["width"] <= PHONE["width"]  # fits on the screen without scrolling sideways
    button.click()
    row = page.locator(f"#person-{Registration.objects.get(person=ash).pk}")
    row.get_by_text("Checked in").wait_for()
    assert page.locator("#check-in-status").inner_text() == "Ash is checked in."
    assert Registration.objects.get(person=ash).checked_in_at is not None
    assert_no_axe_violations(page, "check-in after checking someone in (phone)")


def test_check_in_works_without_javascript(new_page, live_server, events, coordinator):
    workshop = events["workshop"]
    ash = Person.objects.create_user(email="ash@example.org", badge_name="Ash")
    _sign_up(workshop, ash, attendance="in_person")
    page = new_page(viewport=PHONE, java_script_enabled=False)
    sign_in_browser(page, live_server, coordinator)
    page.goto(f"{live_server.url}/events/{workshop.pk}/check-in/")
    page.get_by_role("button", name="Check in Ash").click()
    assert page.get_by_text("Ash is checked in.").is_visible()
    assert page.get_by_role("button", name="Undo check-in for Ash").is_visible()


def test_organiser_pages_are_accessible(page, live_server, events, coordinator, project):
    sign_in_browser(page, live_server, coordinator)
    workshop = events["workshop"]
    do_register_visitor_for_event(
        workshop, email="vi@example.org", badge_name="Vi", access_needs=[], details="", attendance="online"
    )
    for path, name in [
        (f"/events/{workshop.pk}/registrations/", "registrations with a held place"),
        (f"/events/project/{project.pk}/", "project events"),
        (f"/events/project/{project.pk}/new/", "create event"),
        (f"/events/{workshop.pk}/edit/", "edit event"),
        (f"/events/{workshop.pk}/agenda/", "agenda"),
    ]:
        page.goto(live_server.url + path)
        assert_no_axe_violations(page, name)

    page.goto(f"{live_server.url}/events/project/{project.pk}/new/")
    page.get_by_role("button", name="Create the event").click()
    assert "Enter a title." in page.locator("#id_title-error").inner_text()
    assert_no_axe_violations(page, "create event with errors")

    page.goto(f"{live_server.url}/events/{workshop.pk}/agenda/")
    page.get_by_role("button", name="Move up (Exploring together)").click()
    items = page.locator(".agenda-edit__title").all_inner_texts()
    assert "Exploring together" in items[0]
