"""The profile: badge name, pronouns, contact preference, communication and access needs, perspective."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from coproduce.core.models import AuditEntry
from coproduce.people.actions import do_update_profile

pytestmark = pytest.mark.django_db

REVIEW_PROMPT = "Please check your communication and access needs"


def profile_data(**overrides):
    data = {
        "badge_name": "Jo",
        "pronouns": "",
        "contact_preference": "email",
        "phone": "",
        "postal_address": "",
        "access_needs_details": "",
    }
    data.update(overrides)
    return data


def test_profile_needs_sign_in(client):
    assert client.get("/me/")["Location"] == "/sign-in/?next=/me/"


def test_saving_the_profile_stores_it_and_marks_needs_reviewed(client, member):
    client.force_login(member)
    response = client.post(
        "/me/",
        profile_data(
            badge_name="  Jo   B ",
            pronouns="they/them",
            access_needs=["step_free", "easy_read"],
            access_needs_details="Ramp at the side door, please.",
            perspectives=["carer"],
        ),
        follow=True,
    )
    assert "Your profile is saved." in response.content.decode()
    member.refresh_from_db()
    assert member.badge_name == "Jo B"
    assert member.pronouns == "they/them"
    assert member.access_needs == ["easy_read", "step_free"]  # kept in the order of the list
    assert member.access_needs_details == "Ramp at the side door, please."
    assert member.access_needs_reviewed_on == timezone.localdate()
    assert list(member.perspectives.values_list("perspective", flat=True)) == ["carer"]


def test_the_form_shows_what_is_saved(client, member):
    do_update_profile(member, acting_user=member, access_needs=["bsl"], pronouns="she/her")
    client.force_login(member)
    page = client.get("/me/").content.decode()
    assert re.search(r'<input type="checkbox" name="access_needs" value="bsl"[^>]* checked', page)
    assert not re.search(r'<input type="checkbox" name="access_needs" value="step_free"[^>]* checked', page)
    assert 'value="she/her"' in page


def test_review_prompt_when_never_reviewed(client, member):
    client.force_login(member)
    page = client.get("/me/").content.decode()
    assert REVIEW_PROMPT in page
    assert "Not checked yet." in page


def test_no_prompt_after_a_recent_review(client, member):
    do_update_profile(member, acting_user=member, reviewed_on=timezone.localdate() - timedelta(days=364))
    client.force_login(member)
    assert REVIEW_PROMPT not in client.get("/me/").content.decode()


def test_prompt_after_12_months(client, member):
    reviewed = timezone.localdate() - timedelta(days=366)
    do_update_profile(member, acting_user=member, reviewed_on=reviewed)
    client.force_login(member)
    page = client.get("/me/").content.decode()
    assert REVIEW_PROMPT in page
    assert f"You last checked them on {reviewed.day} {reviewed:%B %Y}, more than 12 months ago." in page


def test_review_due_is_exactly_a_year(member):
    member.access_needs_reviewed_on = date(2025, 3, 10)
    assert not member.access_needs_review_due(today=date(2026, 3, 9))
    assert member.access_needs_review_due(today=date(2026, 3, 10))
    member.access_needs_reviewed_on = date(2023, 2, 28)
    assert member.access_needs_review_due(today=date(2024, 2, 29))


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"badge_name": ""}, "badge_name", "Enter a badge name: the name other people will see"),
        ({"badge_name": "   "}, "badge_name", "Enter a badge name: the name other people will see"),
        ({"badge_name": "x" * 61}, "badge_name", "Badge name must be 60 characters or fewer"),
        (
            {"badge_name": "jo@example.org"},
            "badge_name",
            "Use a name rather than an e-mail address: other people will see it",
        ),
        (
            {"contact_preference": "phone"},
            "phone",
            "Enter a phone number, or choose another way for us to contact you",
        ),
        (
            {"contact_preference": "phone", "phone": "call me"},
            "phone",
            "Enter a phone number, like 07700 900123 or +44 7700 900123",
        ),
        ({"phone": "0770"}, "phone", "Enter a phone number, like 07700 900123 or +44 7700 900123"),
        (
            {"contact_preference": "post"},
            "postal_address",
            "Enter your postal address, or choose another way for us to contact you",
        ),
        (
            {"contact_preference": "pigeon"},
            "contact_preference",
            "Select a valid choice. pigeon is not one of the available choices.",
        ),
        (
            {"access_needs": ["telepathy"]},
            "access_needs",
            "Select a valid choice. telepathy is not one of the available choices.",
        ),
        ({"pronouns": "p" * 41}, "pronouns", "Pronouns must be 40 characters or fewer"),
    ],
)
def test_profile_validation_messages_sit_next_to_the_field(client, member, overrides, field, message):
    client.force_login(member)
    response = client.post("/me/", profile_data(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f'<p class="field__error" id="id_{field}-error">'
        f'<span class="visually-hidden">Error:</span> {message}</p>' in page
    )
    assert "There is a problem" in page
    member.refresh_from_db()
    assert member.badge_name == "Jo" and member.access_needs_reviewed_on is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"contact_preference": "phone", "phone": "07700 900123"},
        {"contact_preference": "phone", "phone": "+44 (0)7700-900123"},
        {"contact_preference": "post", "postal_address": "  1 High Street \n Northvale\n NV1 2AB  "},
    ],
)
def test_valid_contact_details_are_saved(client, member, overrides):
    client.force_login(member)
    assert client.post("/me/", profile_data(**overrides)).status_code == 302
    member.refresh_from_db()
    assert member.contact_preference == overrides["contact_preference"]
    if "postal_address" in overrides:
        assert member.postal_address == "1 High Street\nNorthvale\nNV1 2AB"


def test_audit_names_changed_fields_but_never_their_values(client, member):
    client.force_login(member)
    client.post(
        "/me/",
        profile_data(
            access_needs=["bsl"], access_needs_details="Deaf, BSL user", perspectives=["lived_experience"]
        ),
    )
    entries = AuditEntry.objects.filter(subject_id=str(member.pk), action__startswith="person.")
    update = entries.get(action="person.profile_updated")
    assert sorted(update.details["fields"]) == ["access_needs", "access_needs_details"]
    assert entries.filter(action="person.perspectives_updated").exists()
    everything = str(list(AuditEntry.objects.values_list("details", flat=True)))
    assert "bsl" not in everything and "BSL" not in everything and "lived_experience" not in everything
