"""Calendar files: one event's .ics, and each person's private, revocable calendar address."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from coproduce.core.models import AuditEntry
from coproduce.events.actions import do_add_agenda_item, do_renew_calendar_feed
from coproduce.events.models import CalendarFeed, Event

from .conftest import london, person, register

pytestmark = pytest.mark.django_db
LINK = "https://meet.example.org/cuppa-room"


@pytest.fixture
def online_event(make_event, project, coordinator):
    event = make_event(
        project,
        title="Co-production cuppa",
        is_public=True,
        capacity=1,
        format=Event.Format.ONLINE,
        online_joining_link=LINK,
        starts_at=london(12, 18, 30),
        description="A friendly hour to talk about anything.",
    )
    do_add_agenda_item(event, title="Catch-up", duration_minutes=20, acting_user=coordinator)
    return event


def parse(content: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(content)
    return list(calendar.walk("VEVENT"))


def test_an_event_ics_has_the_times_in_uk_time_the_agenda_and_the_page(client, online_event):
    response = client.get(f"/events/{online_event.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="co-production-cuppa.ics"'
    content = response.content
    assert b"BEGIN:VTIMEZONE" in content and b"TZID:Europe/London" in content
    [vevent] = parse(content)
    assert str(vevent["summary"]) == "Co-production cuppa"
    start = vevent.decoded("dtstart")
    assert start == online_event.starts_at
    assert b"DTSTART;TZID=Europe/London:" in content
    assert (start.astimezone(ZoneInfo("Europe/London")).hour, start.minute) == (18, 30)
    assert vevent.decoded("dtend") == online_event.ends_at
    assert str(vevent["uid"]) == f"event-{online_event.pk}@127.0.0.1"
    description = str(vevent["description"])
    assert "- Catch-up (20 min)" in description
    assert f"/events/{online_event.pk}/" in str(vevent["url"])


def test_the_joining_link_is_only_in_calendars_of_people_with_a_place(client, online_event, member, outsider):
    assert LINK.encode() not in client.get(f"/events/{online_event.pk}/calendar.ics").content
    register(online_event, member, notify=False)
    register(online_event, outsider, notify=False)  # full: waitlisted
    client.force_login(outsider)
    waiting = parse(client.get(f"/events/{online_event.pk}/calendar.ics").content)[0]
    assert LINK not in waiting.to_ical().decode().replace("\r\n ", "")
    assert str(waiting["status"]) == "TENTATIVE"
    assert str(waiting["summary"]) == "Waitlist: Co-production cuppa"
    client.force_login(member)
    placed = parse(client.get(f"/events/{online_event.pk}/calendar.ics").content)[0]
    assert str(placed["status"]) == "CONFIRMED"
    assert str(placed["location"]) == LINK
    assert f"Join online: {LINK}" in str(placed["description"])


def test_the_joining_link_is_only_shown_on_the_page_to_people_with_a_place(
    client, online_event, member, outsider
):
    assert LINK not in client.get(f"/events/{online_event.pk}/").content.decode()
    register(online_event, member, notify=False)
    register(online_event, outsider, notify=False)
    client.force_login(outsider)
    assert LINK not in client.get(f"/events/{online_event.pk}/").content.decode()
    client.force_login(member)
    assert LINK in client.get(f"/events/{online_event.pk}/").content.decode()


def _feed_url(client) -> str:
    client.post("/events/mine/calendar-address/", {"change": "renew"})
    page = client.get("/events/mine/").content.decode()
    start = page.index('id="feed-url" value="') + len('id="feed-url" value="')
    return page[start : page.index('"', start)]


def test_a_calendar_address_lists_only_that_person_s_events(
    client, online_event, make_event, project, member
):
    other_event = make_event(project, title="Someone else's workshop", is_public=True)
    register(online_event, member, notify=False)
    register(other_event, person(1), notify=False)
    client.force_login(member)
    url = _feed_url(client)
    assert url.startswith("http://testserver/events/calendar/") and url.endswith(".ics")
    client.logout()
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    summaries = [str(e["summary"]) for e in parse(response.content)]
    assert summaries == ["Co-production cuppa"]
    assert LINK in response.content.decode().replace("\r\n ", "")
    assert b"Person 1" not in response.content and member.email.encode() not in response.content


def test_a_new_calendar_address_stops_the_old_one_working(client, member, online_event):
    register(online_event, member, notify=False)
    client.force_login(member)
    old = _feed_url(client).removeprefix("http://testserver")
    new = _feed_url(client).removeprefix("http://testserver")
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_the_calendar_address_off(client, member, online_event):
    client.force_login(member)
    url = _feed_url(client).removeprefix("http://testserver")
    response = client.post("/events/mine/calendar-address/", {"change": "turn_off"}, follow=True)
    assert "Your calendar address is turned off. Nobody can use it any more." in response.content.decode()
    assert not CalendarFeed.objects.filter(person=member).exists()
    assert client.get(url).status_code == 404


def test_calendar_addresses_are_long_and_random(member, outsider):
    tokens = {do_renew_calendar_feed(p, acting_user=p).token for p in (member, outsider)}
    assert len(tokens) == 2
    assert all(len(token) >= 40 for token in tokens)  # 256 random bits, URL-safe


def test_the_audit_trail_never_records_the_calendar_token(member):
    feed = do_renew_calendar_feed(member, acting_user=member)
    assert feed.token not in str(list(AuditEntry.objects.values_list("details", flat=True)))


def test_the_feed_marks_waitlisted_events_tentative_and_leaves_out_cancelled_ones(
    client, member, make_event, project
):
    from coproduce.events.actions import do_cancel_registration

    full = make_event(project, title="Full workshop", is_public=True, capacity=1)
    dropped = make_event(project, title="Dropped workshop", is_public=True)
    register(full, person(1), notify=False)
    register(full, member, notify=False)
    do_cancel_registration(register(dropped, member, notify=False), acting_user=member)
    client.force_login(member)
    url = _feed_url(client).removeprefix("http://testserver")
    [vevent] = parse(client.get(url).content)
    assert (str(vevent["summary"]), str(vevent["status"])) == ("Waitlist: Full workshop", "TENTATIVE")


def test_an_event_in_another_time_zone_keeps_its_zone(client, make_event, project):
    berlin = ZoneInfo("Europe/Berlin")
    event = make_event(
        project,
        title="Exchange visit",
        is_public=True,
        time_zone="Europe/Berlin",
        starts_at=datetime(2030, 6, 5, 9, 0, tzinfo=berlin),
    )
    content = client.get(f"/events/{event.pk}/calendar.ics").content
    assert b"DTSTART;TZID=Europe/Berlin:20300605T090000" in content
    assert (
        "Wednesday 5 June 2030, 9am to 11am (Europe/Berlin time)"
        in client.get(f"/events/{event.pk}/").content.decode()
    )
