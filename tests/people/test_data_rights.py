"""Download everything held about me; erase me, keeping only anonymous counts."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from coproduce.core.models import AuditEntry
from coproduce.partnerships.models import Membership
from coproduce.people import data_rights
from coproduce.people.actions import do_erase_person, do_set_perspectives, do_update_profile
from coproduce.people.models import Person, SignInToken

from .conftest import ask_for_sign_in, signed_in_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_member(member):
    do_update_profile(
        member,
        acting_user=member,
        pronouns="they/them",
        contact_preference="phone",
        phone="07700 900123",
        postal_address="1 High Street",
        access_needs=["bsl", "dietary"],
        access_needs_details="Vegetarian",
    )
    do_set_perspectives(member, ["carer"], acting_user=member)
    return member


def download(client):
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="coproduce-my-data.json"'
    return json.loads(response.content)


def test_download_needs_sign_in(client):
    assert client.get("/me/data.json")["Location"] == "/sign-in/?next=/me/data.json"


def test_download_holds_everything_about_me(client, project, full_member, coordinator, mailoutbox):
    ask_for_sign_in(Client(), full_member.email)
    client.force_login(full_member)
    data = download(client)
    people = data["people"]
    assert people["profile"]["email"] == "member@example.org"
    assert people["profile"]["badge_name"] == "Jo"
    assert people["profile"]["pronouns"] == "they/them"
    assert people["profile"]["phone"] == "07700 900123"
    assert people["profile"]["postal_address"] == "1 High Street"
    assert people["access_needs"]["needs"] == [
        {"code": "bsl", "label": "British Sign Language (BSL) interpreter"},
        {"code": "dietary", "label": "Dietary needs"},
    ]
    assert people["access_needs"]["details"] == "Vegetarian"
    assert people["access_needs"]["reviewed_on"] is not None
    assert [p["perspective"] for p in people["perspectives"]] == ["carer"]
    assert len(people["sign_in_emails"]) == 1
    assert data["partnerships"] == [
        {
            "project": "Better discharge together",
            "role": "Member",
            "joined_at": data["partnerships"][0]["joined_at"],
        }
    ]
    actions_about_me = [e["action"] for e in data["audit"]["about_you"]]
    assert "person.profile_updated" in actions_about_me and "person.sign_in_sent" in actions_about_me
    assert "person.perspectives_updated" in [e["action"] for e in data["audit"]["done_by_you"]]
    # Nothing about anyone else.
    text = json.dumps(data)
    assert "coordinator@example.org" not in text and "Sam" not in text


def test_download_is_audited(client, member):
    client.force_login(member)
    download(client)
    assert AuditEntry.objects.filter(action="person.data_exported", subject_id=str(member.pk)).count() == 1


def test_other_apps_plug_in_to_export_and_erasure(client, member):
    erased = []

    def export(person):
        return {"notes": [f"note for {person.badge_name}"]}

    def erase(person, *, acting_user):
        erased.append(person.pk)
        return {"notes": 1}

    data_rights.register("notebook", export=export, erase=erase)
    try:
        client.force_login(member)
        assert download(client)["notebook"] == {"notes": ["note for Jo"]}
        counts = do_erase_person(member, acting_user=member)
    finally:
        data_rights._registry.pop("notebook")
    assert erased == [member.pk]
    assert counts["notebook.notes"] == 1


def test_erasure_asks_for_confirmation(client, full_member):
    client.force_login(full_member)
    page = client.get("/me/erase/").content.decode()
    assert "It cannot be undone." in page
    page = client.post("/me/erase/", {}).content.decode()
    assert "Tick the box to confirm that you want your data erased" in page
    full_member.refresh_from_db()
    assert full_member.is_active and full_member.email == "member@example.org"


def test_erasure_removes_personal_data_and_keeps_counts(client, project, full_member, mailoutbox):
    ask_for_sign_in(Client(), full_member.email)  # a sign-in e-mail on record
    other_device = Client()
    other_device.force_login(full_member)
    client.force_login(full_member)
    response = client.post("/me/erase/", {"confirm": "on"}, follow=True)
    assert "Your personal data has been erased and you have been signed out." in response.content.decode()
    assert signed_in_id(client) is None

    person = Person.objects.get(pk=full_member.pk)
    assert person.email.endswith("@erased.invalid") and "member" not in person.email
    assert person.badge_name == "Former participant"
    assert (person.pronouns, person.phone, person.postal_address, person.access_needs_details) == (
        "",
        "",
        "",
        "",
    )
    assert person.access_needs == [] and person.access_needs_reviewed_on is None
    assert person.contact_preference == "email"
    assert not person.is_active and not person.has_usable_password()
    assert not person.perspectives.exists()
    assert not SignInToken.objects.filter(person=person).exists()
    # Counts survive: the membership stays, now belonging to "Former participant" ...
    assert Membership.objects.filter(project=project, person=person).exists()
    # ... and every other session is over.
    assert other_device.get("/me/")["Location"].startswith("/sign-in/")
    # The old address no longer signs anyone in.
    mailoutbox.clear()
    ask_for_sign_in(Client(REMOTE_ADDR="10.1.1.1"), "member@example.org")
    assert mailoutbox == []


def test_erasure_audit_keeps_no_personal_data(client, full_member):
    client.force_login(full_member)
    client.post("/me/erase/", {"confirm": "on"})
    entry = AuditEntry.objects.get(action="person.erased")
    assert entry.subject_id == str(full_member.pk)
    assert entry.acting_user is None
    assert entry.details == {"requested_by": "self", "people.perspectives": 1, "people.sign_in_emails": 0}
    everything = json.dumps(
        list(AuditEntry.objects.values("details", "subject_type", "subject_id", "action"))
    )
    for personal in ("member@example.org", "Jo", "07700", "High Street", "Vegetarian", "carer", "bsl"):
        assert personal not in everything


def test_a_new_invitation_after_erasure_starts_afresh(project, coordinator, full_member):
    from coproduce.partnerships.actions import do_invite_person_to_project

    do_erase_person(full_member, acting_user=full_member)
    invitation = do_invite_person_to_project(
        project, email="member@example.org", badge_name="Jo", role="member", acting_user=coordinator
    )
    assert invitation.person.pk != full_member.pk
    assert invitation.person.perspectives.count() == 0
