"""Who may use which events page, as a table: role × view → allowed, refused (looks like "not found"),
or asked to sign in (only for pages about oneself).

Rows name the view and the object it is about; columns are the shared fixture people:
coordinator, facilitator and member of ``project``; ``other_member`` of another project; anonymous.
"""

from __future__ import annotations

import pytest

from coproduce.events.actions import do_add_agenda_item
from coproduce.events.models import Event, Registration
from coproduce.partnerships.models import Membership

from .conftest import london, register

ROLES = ("coordinator", "facilitator", "member", "other_member", "anonymous")
OK, NOT_FOUND, SIGN_IN = "allowed", "not found", "sign in"
C_F = (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)  # the project's organisers only
MEMBERS = (OK, OK, OK, NOT_FOUND, NOT_FOUND)  # anyone in the project
EVERYONE = (OK, OK, OK, OK, OK)

NEW_EVENT = {
    "title": "Planning the spring festival",
    "kind": "meeting",
    "format": "online",
    "time_zone": "Europe/London",
    "starts_at": london(20, 14).strftime("%Y-%m-%dT%H:%M"),
    "ends_at": london(20, 15).strftime("%Y-%m-%dT%H:%M"),
}

TABLE = [
    # (view, method, url, expected per role)
    ("public events page", "get", "/events/", EVERYONE),
    ("public event page", "get", "/events/{public}/", EVERYONE),
    ("public event sign-up form", "get", "/events/{public}/sign-up/", EVERYONE),
    ("public event .ics", "get", "/events/{public}/calendar.ics", EVERYONE),
    ("members' event page", "get", "/events/{members}/", MEMBERS),
    ("members' event sign-up form", "get", "/events/{members}/sign-up/", MEMBERS),
    ("members' event sign-up (post)", "post", "/events/{members}/sign-up/", MEMBERS),
    ("members' event .ics", "get", "/events/{members}/calendar.ics", MEMBERS),
    ("project's events", "get", "/events/project/{project}/", MEMBERS),
    (
        "other project's events",
        "get",
        "/events/project/{other_project}/",
        (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND),
    ),
    ("create event form", "get", "/events/project/{project}/new/", C_F),
    ("create event (post)", "post", "/events/project/{project}/new/", C_F),
    ("edit event form", "get", "/events/{members}/edit/", C_F),
    ("edit public event form", "get", "/events/{public}/edit/", C_F),
    ("agenda", "get", "/events/{members}/agenda/", C_F),
    ("add agenda item (post)", "post", "/events/{members}/agenda/", C_F),
    ("edit agenda item", "get", "/events/{members}/agenda/{item}/edit/", C_F),
    ("move agenda item (post)", "post", "/events/{members}/agenda/{item}/move/", C_F),
    ("remove agenda item (post)", "post", "/events/{members}/agenda/{item}/remove/", C_F),
    ("registrations and access plan", "get", "/events/{members}/registrations/", C_F),
    ("registrations of a public event", "get", "/events/{public}/registrations/", C_F),
    ("check-in list", "get", "/events/{members}/check-in/", C_F),
    ("check someone in (post)", "post", "/events/{members}/check-in/{registration}/", C_F),
    (
        "cancel the member's sign-up",
        "get",
        "/events/registrations/{registration}/cancel/",
        (NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, SIGN_IN),
    ),
    (
        "cancel the member's sign-up (post)",
        "post",
        "/events/registrations/{registration}/cancel/",
        (NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, SIGN_IN),
    ),
    ("my events", "get", "/events/mine/", (OK, OK, OK, OK, SIGN_IN)),
    ("my calendar address (post)", "post", "/events/mine/calendar-address/", (OK, OK, OK, OK, SIGN_IN)),
]

POST_DATA = {
    "create event (post)": NEW_EVENT,
    "add agenda item (post)": {"title": "Welcome", "duration_minutes": "10"},
    "move agenda item (post)": {"direction": "down"},
    "members' event sign-up (post)": {"badge_name": "Visitor", "email": "visitor@example.org"},
    "my calendar address (post)": {"change": "renew"},
}

CASES = [
    pytest.param(view, method, url, role, expected, id=f"{view} | {role} -> {expected}")
    for view, method, url, expectations in TABLE
    for role, expected in zip(ROLES, expectations, strict=True)
]


@pytest.fixture
def world(project, other_project, coordinator, facilitator, member, other_member, make_event):
    public = make_event(project, title="Open cuppa", is_public=True, capacity=10)
    members = make_event(project, title="Steering group planning", is_public=False, capacity=10)
    first = do_add_agenda_item(members, title="Welcome", duration_minutes=10, acting_user=coordinator)
    do_add_agenda_item(members, title="Planning", duration_minutes=50, acting_user=coordinator)
    registration = register(members, member, notify=False)
    return {
        "public": public.pk,
        "members": members.pk,
        "project": project.pk,
        "other_project": other_project.pk,
        "item": first.pk,
        "registration": registration.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("view,method,url,role,expected", CASES)
def test_permission_table(view, method, url, role, expected, world, client, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    path = url.format(**world)
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, POST_DATA.get(view, {}))
    if expected == OK:
        assert response.status_code in (200, 302), f"{view} refused {role}: {response.status_code}"
        if response.status_code == 302:
            assert not response["Location"].startswith("/sign-in/")
    elif expected == NOT_FOUND:
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "other_member", "anonymous"])
def test_refused_changes_change_nothing(role, world, client, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    client.post(f"/events/project/{world['project']}/new/", NEW_EVENT)
    client.post(f"/events/{world['members']}/check-in/{world['registration']}/")
    client.post(f"/events/{world['members']}/agenda/{world['item']}/remove/")
    assert not Event.objects.filter(title=NEW_EVENT["title"]).exists()
    assert Registration.objects.get(pk=world["registration"]).checked_in_at is None
    assert Event.objects.get(pk=world["members"]).agenda_items.count() == 2


@pytest.mark.django_db
def test_a_facilitator_of_another_project_cannot_manage_this_one(world, client, other_project, other_member):
    Membership.objects.filter(person=other_member).update(role=Membership.Role.FACILITATOR)
    client.force_login(other_member)
    for path in ("registrations/", "check-in/", "edit/", "agenda/"):
        assert client.get(f"/events/{world['members']}/{path}").status_code == 404
        assert client.get(f"/events/{world['public']}/{path}").status_code == 404


@pytest.mark.django_db
def test_someone_signed_up_keeps_seeing_an_event_that_stops_being_public(world, client, outsider):
    event = Event.objects.get(pk=world["public"])
    register(event, outsider, notify=False)
    Event.objects.filter(pk=event.pk).update(is_public=False)
    client.force_login(outsider)
    assert client.get(f"/events/{event.pk}/").status_code == 200
    assert client.get(f"/events/{event.pk}/sign-up/").status_code == 404


@pytest.mark.django_db
def test_unknown_ids_are_not_found(client, coordinator):
    client.force_login(coordinator)
    for path in (
        "/events/999999/",
        "/events/999999/registrations/",
        "/events/project/999999/",
        "/events/registrations/999999/cancel/",
        "/events/calendar/nope.ics",
    ):
        assert client.get(path).status_code == 404, path
