"""Coordinators invite people into their project by e-mail; nobody else can, or can even see the page."""

from __future__ import annotations

import pytest
from django.test import Client

from coproduce.core.models import AuditEntry
from coproduce.partnerships.models import Membership
from coproduce.people.models import Person
from tests.people.conftest import link_and_code, signed_in_id

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "facilitator", "member", "other_member", "outsider", "anonymous"]


def client_for(request, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("path", ["invite", "perspectives"])
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("coordinator", True),
        ("facilitator", False),
        ("member", False),
        ("other_member", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_who_may_open_coordinator_pages(request, project, role, allowed, path):
    client = client_for(request, role)
    response = client.get(f"/projects/{project.pk}/{path}/")
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("coordinator", True),
        ("facilitator", False),
        ("member", False),
        ("other_member", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_who_may_invite(request, project, role, allowed, mailoutbox, django_capture_on_commit_callbacks):
    client = client_for(request, role)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{project.pk}/invite/",
            {"email": "new@example.org", "badge_name": "Ash", "role": "member"},
        )
    assert response.status_code == (302 if allowed else 404)
    assert Person.objects.filter(email="new@example.org").exists() is allowed
    assert len(mailoutbox) == (1 if allowed else 0)


def test_a_project_that_does_not_exist_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/projects/999999/invite/").status_code == 404


def test_coordinator_of_another_project_cannot_invite_here(client, project, other_project, other_member):
    Membership.objects.filter(person=other_member).update(role=Membership.Role.COORDINATOR)
    client.force_login(other_member)
    assert client.get(f"/projects/{project.pk}/invite/").status_code == 404


def test_a_project_title_saved_with_a_line_break_does_not_stop_invitations(
    client, project, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    # As an earlier version could have saved it: a line break in an e-mail subject is refused.
    type(project).objects.filter(pk=project.pk).update(title="Better\r\ndischarge")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/projects/{project.pk}/invite/",
            {"email": "ash@example.org", "badge_name": "Ash", "role": "member"},
        )
    [message] = mailoutbox
    assert message.subject == "You are invited to join Better discharge"


def test_inviting_a_new_person(client, project, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{project.pk}/invite/",
            {"email": " Ash@Example.org ", "badge_name": "Ash", "role": "facilitator"},
            follow=True,
        )
    assert "Invitation sent to ash@example.org. They will get an e-mail with a link to sign in." in (
        response.content.decode()
    )
    person = Person.objects.get(email="ash@example.org")
    assert person.badge_name == "Ash"
    assert Membership.objects.get(project=project, person=person).role == "facilitator"
    message = mailoutbox[0]
    assert message.to == ["ash@example.org"]
    assert message.subject == "You are invited to join Better discharge together"
    assert 'Sam has invited you to join "Better discharge together" on Coproduce' in message.body
    path, _ = link_and_code(message)
    invited = Client()
    invited.post(path)
    assert signed_in_id(invited) == str(person.pk)
    entry = AuditEntry.objects.get(action="membership.added")
    assert entry.acting_user == coordinator
    assert entry.details == {"project_id": project.pk, "person_id": person.pk, "role": "facilitator"}


def test_inviting_someone_already_on_coproduce_keeps_their_badge_name(
    client, project, coordinator, other_member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/projects/{project.pk}/invite/",
            {"email": other_member.email, "badge_name": "Renamed", "role": "member"},
        )
    other_member.refresh_from_db()
    assert other_member.badge_name == "Alex"
    assert Membership.objects.filter(project=project, person=other_member, role="member").exists()
    assert len(mailoutbox) == 1


def test_inviting_a_member_again_changes_nothing(
    client, project, coordinator, facilitator, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{project.pk}/invite/",
            {"email": facilitator.email, "badge_name": "", "role": "member"},
            follow=True,
        )
    assert (
        "facilitator@example.org is already in this project: nothing was changed."
        in response.content.decode()
    )
    assert Membership.objects.get(project=project, person=facilitator).role == "facilitator"
    assert mailoutbox == []


def test_invited_without_a_badge_name_chooses_one_on_first_sign_in(
    client, project, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/projects/{project.pk}/invite/",
            {"email": "quiet@example.org", "badge_name": "", "role": "member"},
        )
    path, _ = link_and_code(mailoutbox[0])
    invited = Client()
    assert invited.post(path)["Location"] == "/me/"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"email": "", "role": "member"}, "email", "Enter the e-mail address of the person you are inviting"),
        (
            {"email": "nope", "role": "member"},
            "email",
            "Enter an e-mail address in the right format, like name@example.org",
        ),
        ({"email": "a@example.org", "role": ""}, "role", "Choose their role in this project"),
        (
            {"email": "a@example.org", "role": "boss"},
            "role",
            "Select a valid choice. boss is not one of the available choices.",
        ),
        (
            {"email": "a@example.org", "role": "member", "badge_name": "b@example.org"},
            "badge_name",
            "Use a name rather than an e-mail address: other people will see it",
        ),
    ],
)
def test_invitation_validation_messages(client, project, coordinator, data, field, message, mailoutbox):
    client.force_login(coordinator)
    page = client.post(f"/projects/{project.pk}/invite/", data).content.decode()
    assert f'id="id_{field}-error"><span class="visually-hidden">Error:</span> {message}</p>' in page
    assert mailoutbox == []
