"""What coordinators and facilitators use: the access plan, registrations, check-in, events and agendas."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from coproduce.events.actions import do_add_agenda_item, do_check_in
from coproduce.events.availability import format_day
from coproduce.events.models import AgendaItem, Event, Registration
from coproduce.events.planning import access_plan

from .conftest import london, person, register

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def workshop(make_event, project):
    return make_event(
        project,
        title="Exploring crisis care",
        is_public=True,
        capacity=8,
        format=Event.Format.HYBRID,
        online_joining_link="https://meet.example.org/w",
        starts_at=london(21, 10),
    )


@pytest.fixture
def signed_up(workshop):
    """Seven people with places (one online) and one waiting, with a range of access needs."""
    needs = [
        (["step_free", "easy_read"], "in_person", ""),
        (["step_free"], "in_person", ""),
        (["step_free", "bsl"], "in_person", ""),
        (["easy_read", "dietary"], "in_person", "No nuts, please."),
        (["step_free", "large_print"], "online", ""),  # step-free does not matter online
        ([], "in_person", ""),
        (["quiet_space"], "in_person", ""),
    ]
    people = []
    for n, (codes, attendance, details) in enumerate(needs):
        p = person(n, f"Person {n}")
        register(workshop, p, needs=codes, attendance=attendance, details=details, notify=False)
        people.append(p)
    last = person(50, "Last Place")
    register(workshop, last, attendance="in_person", notify=False)
    waiting = person(99, "Waiting Wren")  # the event is full now: needs on the waitlist are not counted
    register(workshop, waiting, needs=["step_free", "bsl"], attendance="in_person", notify=False)
    return people + [last, waiting]


def test_the_access_plan_counts_needs_and_says_when_to_send_papers(workshop, signed_up):
    plan = access_plan(workshop)
    deadline = format_day(workshop.starts_at.astimezone(LONDON) - timedelta(days=7))
    assert [line.text for line in plan.lines] == [
        "3 need step-free access",
        f"1 needs a BSL interpreter — book by {deadline}",
        f"2 need Easy Read papers — send by {deadline}",
        f"1 needs large print papers — send by {deadline}",
        "1 would like a quiet space",
        "1 has dietary needs (see their details)",
    ]
    assert plan.people_with_place == 8
    assert plan.people_with_details == 1


def test_the_plan_asks_for_papers_as_soon_as_possible_inside_a_week(make_event, project):
    soon = make_event(project, title="Soon", starts_at=london(3, 10), capacity=5)
    register(soon, person(1), needs=["easy_read"], notify=False)
    assert (
        access_plan(soon).lines[0].text
        == "1 needs Easy Read papers — send as soon as possible (less than 7 days to go)"
    )


def test_organisers_see_registrations_needs_and_the_waitlist(client, facilitator, workshop, signed_up):
    client.force_login(facilitator)
    page = client.get(f"/events/{workshop.pk}/registrations/").content.decode()
    assert "3 need step-free access" in page
    assert "Person 3" in page and "“No nuts, please.”" in page
    assert "Step-free access, British Sign Language (BSL) interpreter" in page  # per person, organisers only
    waitlist = page[page.index("<h2>Waitlist</h2>") :]
    assert "Waiting Wren" in waitlist


def test_participants_never_see_who_else_is_coming_or_their_needs(client, member, workshop, signed_up):
    register(workshop, member, attendance="online", notify=False)
    client.force_login(member)
    pages = [
        client.get(f"/events/{workshop.pk}/").content.decode(),
        client.get(f"/events/{workshop.pk}/my-place/").content.decode(),
        client.get("/events/mine/").content.decode(),
    ]
    for page in pages:
        assert "Person 0" not in page and "Waiting Wren" not in page
        assert "No nuts" not in page and "need step-free access" not in page
    assert client.get(f"/events/{workshop.pk}/registrations/").status_code == 404


def test_the_check_in_screen_shows_names_only(client, coordinator, workshop, signed_up):
    client.force_login(coordinator)
    page = client.get(f"/events/{workshop.pk}/check-in/").content.decode()
    assert "Person 0" in page
    assert "Easy Read" not in page and "No nuts" not in page and "Waiting Wren" not in page


def test_checking_someone_in_without_javascript(client, coordinator, workshop, signed_up):
    registration = Registration.objects.get(person=signed_up[0], event=workshop)
    client.force_login(coordinator)
    response = client.post(f"/events/{workshop.pk}/check-in/{registration.pk}/")
    assert response["Location"] == f"/events/{workshop.pk}/check-in/#person-{registration.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Person 0 is checked in." in page
    registration.refresh_from_db()
    first_time = registration.checked_in_at
    assert first_time is not None
    client.post(f"/events/{workshop.pk}/check-in/{registration.pk}/")  # a second tap keeps the first time
    registration.refresh_from_db()
    assert registration.checked_in_at == first_time
    client.post(f"/events/{workshop.pk}/check-in/{registration.pk}/", {"undo": "1"})
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_checking_someone_in_with_htmx_returns_just_their_row(client, coordinator, workshop, signed_up):
    registration = Registration.objects.get(person=signed_up[1], event=workshop)
    client.force_login(coordinator)
    response = client.post(f"/events/{workshop.pk}/check-in/{registration.pk}/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="person-{registration.pk}"')
    assert "Checked in" in html and "Undo" in html
    assert 'hx-swap-oob="true">Person 1 is checked in.</p>' in html


def test_people_on_the_waitlist_cannot_be_checked_in(client, coordinator, workshop, signed_up):
    waiting = Registration.objects.get(person=signed_up[-1], event=workshop)
    assert waiting.status == "waitlisted"
    client.force_login(coordinator)
    assert client.post(f"/events/{workshop.pk}/check-in/{waiting.pk}/").status_code == 404
    from coproduce.events.actions import EventActionError

    with pytest.raises(EventActionError, match="Only people with a place can be checked in."):
        do_check_in(waiting, acting_user=coordinator)


def _event_form(**changes) -> dict:
    data = {
        "title": "Tracking themes together",
        "description": "We look at what people told us.",
        "kind": "workshop",
        "is_public": "on",
        "format": "in_person",
        "time_zone": "Europe/London",
        "starts_at": london(30, 10).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": london(30, 12).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Harbour Lane Community Hub",
        "access_information": "Step-free entrance on Dock Street.",
        "online_joining_link": "",
        "capacity": "20",
        "registration_opens_at": "",
        "registration_closes_at": "",
    }
    data.update(changes)
    return data


def test_creating_an_event(client, coordinator, project):
    client.force_login(coordinator)
    response = client.post(f"/events/project/{project.pk}/new/", _event_form())
    event = Event.objects.get(title="Tracking themes together")
    assert response["Location"] == f"/events/{event.pk}/agenda/"
    assert event.starts_at == london(30, 10)
    assert (event.project, event.capacity, event.is_public) == (project, 20, True)


def test_a_line_break_in_an_event_title_is_kept_out_of_it(client, coordinator, project):
    # The title is the subject of every e-mail about the event, and a subject is one line.
    client.force_login(coordinator)
    client.post(f"/events/project/{project.pk}/new/", _event_form(title="Cuppa\r\nBcc: everyone@example.org"))
    event = Event.objects.get()
    assert event.title == "Cuppa Bcc: everyone@example.org"
    client.post(f"/events/{event.pk}/edit/", _event_form(title="Cuppa\rin May"))
    event.refresh_from_db()
    assert event.title == "Cuppa in May"


def test_times_are_read_in_the_event_s_time_zone(client, coordinator, project):
    client.force_login(coordinator)
    client.post(
        f"/events/project/{project.pk}/new/",
        _event_form(time_zone="America/New_York", starts_at="2030-01-15T09:00", ends_at="2030-01-15T10:00"),
    )
    event = Event.objects.get()
    assert event.starts_at.astimezone(ZoneInfo("America/New_York")).hour == 9
    assert event.starts_at.astimezone(ZoneInfo("UTC")).hour == 14
    page = client.get(f"/events/{event.pk}/edit/").content.decode()
    assert 'value="2030-01-15T09:00"' in page


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"title": ""}, "title", "Enter a title."),
        ({"starts_at": ""}, "starts_at", "Enter when the event starts."),
        ({"starts_at": "next Tuesday"}, "starts_at", "Enter a date and time, for example 14/03/2027 18:30."),
        (
            {"ends_at": london(30, 9).strftime("%Y-%m-%dT%H:%M")},
            "ends_at",
            "The end must be after the start.",
        ),
        ({"venue": ""}, "venue", "Say where the event is, for the people coming in person."),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Enter a time zone name, for example Europe/London."),
        ({"capacity": "0"}, "capacity", "Enter 1 place or more, or leave it empty for no limit."),
        ({"capacity": "lots"}, "capacity", "Enter a whole number of places, or leave it empty for no limit."),
        (
            {"online_joining_link": "not a link"},
            "online_joining_link",
            "Enter a full web address, like https://meet.example.org/room.",
        ),
        (
            {"registration_closes_at": london(31, 9).strftime("%Y-%m-%dT%H:%M")},
            "registration_closes_at",
            "Sign-up must close no later than the start of the event.",
        ),
        (
            {
                "registration_opens_at": london(20, 9).strftime("%Y-%m-%dT%H:%M"),
                "registration_closes_at": london(19, 9).strftime("%Y-%m-%dT%H:%M"),
            },
            "registration_closes_at",
            "Sign-up must close after it opens.",
        ),
    ],
)
def test_bad_event_input_is_explained_next_to_the_field(
    client, coordinator, project, changes, field, message
):
    client.force_login(coordinator)
    response = client.post(f"/events/project/{project.pk}/new/", _event_form(**changes))
    page = response.content.decode()
    assert response.status_code == 200
    error = page[page.index(f'id="id_{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert f'<a href="#id_{field}' in page  # the error summary links to the field
    assert not Event.objects.exists()


def test_editing_an_event(client, facilitator, workshop):
    client.force_login(facilitator)
    data = _event_form(
        title="Exploring crisis care, together",
        format="hybrid",
        starts_at=workshop.starts_at.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"),
        ends_at=workshop.ends_at.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(f"/events/{workshop.pk}/edit/", data)
    assert response["Location"] == f"/events/{workshop.pk}/"
    workshop.refresh_from_db()
    assert workshop.title == "Exploring crisis care, together"


def test_building_and_reordering_an_agenda_without_dragging(client, coordinator, workshop):
    client.force_login(coordinator)
    for title, minutes in [
        ("Exploring together", 30),
        ("Preparing the ground", 10),
        ("Tracking themes and take-home messages", 20),
    ]:
        client.post(f"/events/{workshop.pk}/agenda/", {"title": title, "duration_minutes": minutes})
    second = AgendaItem.objects.get(title="Preparing the ground")
    client.post(f"/events/{workshop.pk}/agenda/{second.pk}/move/", {"direction": "up"})
    titles = list(workshop.agenda_items.values_list("title", flat=True))
    assert titles == ["Preparing the ground", "Exploring together", "Tracking themes and take-home messages"]
    client.post(f"/events/{workshop.pk}/agenda/{second.pk}/move/", {"direction": "up"})  # already first
    assert workshop.agenda_items.first().title == "Preparing the ground"

    page = client.get(f"/events/{workshop.pk}/").content.decode()
    page = page[page.index('<h2 id="agenda-title">Agenda</h2>') :]
    # Each item starts when the one before ends: 10am, 10:10am, 10:40am.
    assert (
        page.index("10am")
        < page.index("Preparing the ground")
        < page.index("10:10am")
        < page.index("10:40am")
    )
    agenda_page = client.get(f"/events/{workshop.pk}/agenda/").content.decode()
    assert "The items take 60 minutes; the event lasts 120 minutes." in agenda_page


def test_bad_agenda_input_is_explained(client, coordinator, workshop):
    client.force_login(coordinator)
    page = client.post(
        f"/events/{workshop.pk}/agenda/", {"title": "", "duration_minutes": "0"}
    ).content.decode()
    assert "Enter a title for this part of the agenda." in page
    assert "Enter 1 minute or more." in page
    assert not workshop.agenda_items.exists()


def test_editing_and_removing_agenda_items(client, coordinator, workshop):
    item = do_add_agenda_item(workshop, title="Welcome", duration_minutes=10, acting_user=coordinator)
    client.force_login(coordinator)
    client.post(
        f"/events/{workshop.pk}/agenda/{item.pk}/edit/",
        {"title": "Welcome and ground rules", "duration_minutes": "15"},
    )
    item.refresh_from_db()
    assert (item.title, item.duration_minutes) == ("Welcome and ground rules", 15)
    client.post(f"/events/{workshop.pk}/agenda/{item.pk}/remove/")
    assert not workshop.agenda_items.exists()


def test_agenda_items_of_another_event_are_not_found(
    client, coordinator, workshop, make_event, other_project
):
    elsewhere = make_event(other_project, title="Elsewhere")
    item = do_add_agenda_item(elsewhere, title="Secret", duration_minutes=5, acting_user=None)
    client.force_login(coordinator)
    assert client.get(f"/events/{workshop.pk}/agenda/{item.pk}/edit/").status_code == 404
    assert client.post(f"/events/{workshop.pk}/agenda/{item.pk}/remove/").status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_the_project_events_page_lists_public_and_members_only_events(
    client, member, coordinator, project, make_event
):
    make_event(project, title="Open one", is_public=True)
    make_event(project, title="Members one", is_public=False)
    client.force_login(member)
    page = client.get(f"/events/project/{project.pk}/").content.decode()
    assert "Open one" in page and "Members one" in page and "Project members only" in page
    assert "Create an event" not in page
    client.force_login(coordinator)
    assert "Create an event" in client.get(f"/events/project/{project.pk}/").content.decode()


def test_my_events_lists_places_and_waitlist_positions(client, member, make_event, project):
    full = make_event(project, title="Full one", is_public=True, capacity=1)
    roomy = make_event(project, title="Roomy one", is_public=True)
    register(full, person(1), notify=False)
    register(full, member, notify=False)
    register(roomy, member, notify=False)
    client.force_login(member)
    page = client.get("/events/mine/").content.decode()
    assert "Waitlist: number 1 in the queue." in page
    assert "You have a place." in page
    assert "Leave the waitlist" in page and "Cancel my place" in page


def test_past_events_show_who_took_part_to_themselves(client, member, workshop):
    registration = register(workshop, member, attendance="in_person", notify=False)
    do_check_in(registration, acting_user=None)
    Event.objects.filter(pk=workshop.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=3, hours=-2)
    )
    client.force_login(member)
    page = client.get("/events/mine/").content.decode()
    assert "Past events" in page and "you took part" in page
