"""Project pages end to end: what people see, and the exact message next to bad input."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from coproduce.core.models import AuditEntry
from coproduce.partnerships.actions import (
    do_agree_to_ground_rules,
    do_publish_ground_rules,
    do_save_ground_rules_draft,
)
from coproduce.partnerships.models import GroundRulesAgreement, Membership, Organisation, Project

from .conftest import membership_of


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def field_error(response, field_id: str) -> str:
    """The error shown next to one field (the shared field template's ``<id>-error`` paragraph)."""
    import re

    match = re.search(
        rf'<p class="field__error" id="{field_id}-error">'
        r'<span class="visually-hidden">Error:</span> (.*?)</p>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no error shown next to {field_id}"
    return html.unescape(match.group(1))


# --- project list and page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_projects_lists_only_mine_with_my_role(client, project, other_project, facilitator):
    client.force_login(facilitator)
    page = text_of(client.get(reverse("partnerships:project_list")))
    assert "Better discharge together" in page
    assert "Your role: facilitator" in page
    assert "Quiet rooms" not in page
    assert "Start a project" not in page  # facilitators do not coordinate anything


@pytest.mark.django_db
def test_project_page_shows_purpose_partners_rung_and_members_by_badge_name(
    client, project, coordinator, member
):
    client.force_login(member)
    page = text_of(client.get(reverse("partnerships:project_detail", args=[project.pk])))
    assert "Make leaving hospital less frightening." in page
    assert "Riverside Community Trust" in page
    assert (
        "<strong>Co-production</strong>. People who use services, carers and staff share power as equals"
        in page
    )
    assert '<span class="member-names__name">Sam</span> <span class="tag">Coordinator</span>' in page
    assert '<span class="member-names__name">Jo</span> <span class="tag">Member</span>' in page
    assert "coordinator@example.org" not in page and "member@example.org" not in page
    assert "Edit project" not in page and "Manage members" not in page
    assert "Project perspectives" not in page


@pytest.mark.django_db
def test_project_page_asks_a_member_to_agree_to_new_ground_rules(client, project, coordinator, member):
    url = reverse("partnerships:project_detail", args=[project.pk])
    client.force_login(member)
    assert "The project has no ground rules yet." in text_of(client.get(url))
    version = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    assert "Please read the current ground rules (version 1) and say whether you agree to them." in text_of(
        client.get(url)
    )
    do_agree_to_ground_rules(version, acting_user=member)
    assert "You have agreed to the current ground rules (version 1)." in text_of(client.get(url))
    client.force_login(coordinator)
    assert "1 of 2 members has agreed to version 1." in text_of(client.get(url))


@pytest.mark.django_db
def test_perspective_counts_show_to_coordinators_only_never_who(
    client, project, coordinator, facilitator, member
):
    from coproduce.people.actions import do_set_perspectives

    do_set_perspectives(member, ["lived_experience", "carer"], acting_user=member)
    do_set_perspectives(facilitator, ["lived_experience"], acting_user=facilitator)
    url = reverse("partnerships:project_detail", args=[project.pk])
    client.force_login(coordinator)
    page = text_of(client.get(url))
    assert "Project perspectives" in page
    assert "the 3 members chose to share" in page
    assert '<tr><th scope="row">Lived experience of using services</th><td>2</td></tr>' in page
    assert '<tr><th scope="row">Carer</th><td>1</td></tr>' in page
    assert '<tr><th scope="row">Student</th><td>0</td></tr>' in page
    assert '<tr><th scope="row">Did not say</th><td>1</td></tr>' in page
    for who in (facilitator, member):
        client.force_login(who)
        page = text_of(client.get(url))
        assert "Project perspectives" not in page
        assert "Lived experience" not in page


# --- creating and editing -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_a_project_with_partners(client, coordinator, organisation):
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:project_create"),
        {
            "title": "Carers' voices",
            "purpose": "Carers shape the respite service.",
            "ladder_rung": "co_design",
            "organisations": [organisation.pk],
        },
    )
    project = Project.objects.get(title="Carers' voices")
    assert response["Location"] == reverse("partnerships:project_detail", args=[project.pk])
    assert list(project.organisations.all()) == [organisation]
    assert membership_of(coordinator, project).role == Membership.Role.COORDINATOR
    page = text_of(client.get(response["Location"]))
    assert "“Carers' voices” is set up, and you are its coordinator." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"purpose": "Why", "ladder_rung": "co_design"}, "title", "Enter a title for the project."),
        (
            {"title": "T", "ladder_rung": "co_design"},
            "purpose",
            "Say in plain English what the project is for.",
        ),
        (
            {"title": "T", "purpose": "P" * 2001, "ladder_rung": "co_design"},
            "purpose",
            "Keep the purpose under 2,000 characters: a short paragraph is easiest to read.",
        ),
        ({"title": "T", "purpose": "P"}, "ladder_rung", "Choose a rung of the ladder of co-production."),
        (
            {"title": "T", "purpose": "P", "ladder_rung": "summit"},
            "ladder_rung",
            "Choose a rung of the ladder of co-production.",
        ),
        (
            {"title": "T", "purpose": "P", "ladder_rung": "co_design", "organisations": ["999"]},
            "organisations",
            "Choose organisations from the list.",
        ),
        (
            {"title": "   ", "purpose": "P", "ladder_rung": "co_design"},
            "title",
            "Enter a title for the project.",
        ),
    ],
)
def test_start_a_project_bad_input(client, coordinator, data, field, message):
    client.force_login(coordinator)
    response = client.post(reverse("partnerships:project_create"), data)
    assert response.status_code == 200
    assert field_error(response, f"id_{field}") == message
    assert "There is a problem" in text_of(response)
    assert Project.objects.count() == 1  # only the fixture's


@pytest.mark.django_db
def test_edit_project_and_change_status(client, project, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:project_edit", args=[project.pk]),
        {
            "title": "Leaving hospital well",
            "purpose": project.purpose,
            "ladder_rung": "co_design",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.ladder_rung, project.organisations.count()) == (
        "Leaving hospital well",
        "co_design",
        0,
    )
    response = client.post(
        reverse("partnerships:project_status", args=[project.pk]), {"status": "closed"}, follow=True
    )
    assert "The project is now closed." in text_of(response)
    assert Project.objects.get(pk=project.pk).status == "closed"


@pytest.mark.django_db
def test_bad_status_is_explained_on_the_edit_page(client, project, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("partnerships:project_status", args=[project.pk]), {"status": "paused"})
    assert response.status_code == 200
    assert field_error(response, "id_status") == "Choose planning, active or closed."
    assert Project.objects.get(pk=project.pk).status == "active"


@pytest.mark.django_db
def test_add_an_organisation(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("partnerships:organisation_create"),
        {"name": "Hillside Carers", "kind": "voluntary", "website": "hillside.example.org"},
        follow=True,
    )
    assert "“Hillside Carers” is added. You can now choose it as a project partner." in text_of(response)
    assert Organisation.objects.get(name="Hillside Carers").website == "https://hillside.example.org"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "voluntary"}, "name", "Enter the organisation's name."),
        (
            {"name": "riverside community trust", "kind": "voluntary"},
            "name",
            "There is already an organisation called “riverside community trust”.",
        ),
        ({"name": "Hillside"}, "kind", "Choose what kind of organisation this is."),
        ({"name": "Hillside", "kind": "club"}, "kind", "Choose what kind of organisation this is."),
        (
            {"name": "Hillside", "kind": "other", "website": "not a web address"},
            "website",
            "Enter a full web address, like https://www.example.org",
        ),
    ],
)
def test_add_an_organisation_bad_input(client, coordinator, organisation, data, field, message):
    client.force_login(coordinator)
    response = client.post(reverse("partnerships:organisation_create"), data)
    assert field_error(response, f"id_{field}") == message
    assert Organisation.objects.count() == 1


# --- members --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_changes_a_role(client, project, coordinator, member):
    client.force_login(coordinator)
    membership = membership_of(member, project)
    response = client.post(
        reverse("partnerships:member_role", args=[project.pk, membership.pk]),
        {"role": "facilitator"},
        follow=True,
    )
    assert "Jo is now facilitator." in text_of(response)
    assert membership_of(member, project).role == "facilitator"


@pytest.mark.django_db
def test_role_change_with_htmx_returns_just_that_member(client, project, coordinator, member):
    client.force_login(coordinator)
    membership = membership_of(member, project)
    response = client.post(
        reverse("partnerships:member_role", args=[project.pk, membership.pk]),
        {"role": "steering"},
        HTTP_HX_REQUEST="true",
    )
    page = text_of(response)
    assert page.startswith(f'<li class="member-list__item" id="member-{membership.pk}">')
    assert "Jo is now steering group member." in page
    assert "<html" not in page


@pytest.mark.django_db
def test_the_last_coordinator_is_told_why_they_cannot_step_down(client, project, coordinator, member):
    client.force_login(coordinator)
    own = membership_of(coordinator, project)
    response = client.post(reverse("partnerships:member_role", args=[project.pk, own.pk]), {"role": "member"})
    assert response.status_code == 200
    assert field_error(response, f"member-{own.pk}-role") == (
        "Sam is the only coordinator. "
        "A project needs at least one coordinator: make someone else a coordinator first."
    )
    assert membership_of(coordinator, project).role == "coordinator"
    response = client.post(reverse("partnerships:member_role", args=[project.pk, own.pk]), {"role": "chair"})
    assert field_error(response, f"member-{own.pk}-role") == "Choose one of the roles listed."


@pytest.mark.django_db
def test_a_coordinator_who_steps_down_goes_back_to_the_project_page(client, project, coordinator, member):
    Membership.objects.filter(person=member).update(role="coordinator")
    client.force_login(coordinator)
    own = membership_of(coordinator, project)
    response = client.post(reverse("partnerships:member_role", args=[project.pk, own.pk]), {"role": "member"})
    assert response["Location"] == reverse("partnerships:project_detail", args=[project.pk])


@pytest.mark.django_db
def test_remove_a_member_after_confirming(client, project, coordinator, member):
    client.force_login(coordinator)
    membership = membership_of(member, project)
    url = reverse("partnerships:member_remove", args=[project.pk, membership.pk])
    assert "Remove Jo from “Better discharge together”?" in text_of(client.get(url))
    assert Membership.objects.filter(pk=membership.pk).exists()  # opening the page changes nothing
    response = client.post(url, follow=True)
    assert "Jo is no longer a member of this project." in text_of(response)
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_the_only_coordinator_cannot_leave(client, project, coordinator, member):
    client.force_login(coordinator)
    response = client.post(reverse("partnerships:project_leave", args=[project.pk]))
    assert response.status_code == 200
    assert (
        "You are the only coordinator. A project needs at least one coordinator: make someone else a "
        "coordinator before you leave."
    ) in text_of(response)
    assert Membership.objects.filter(person=coordinator, project=project).exists()


@pytest.mark.django_db
def test_a_member_can_leave(client, project, coordinator, member):
    client.force_login(member)
    response = client.post(reverse("partnerships:project_leave", args=[project.pk]), follow=True)
    assert "You have left “Better discharge together”." in text_of(response)
    assert client.get(reverse("partnerships:project_detail", args=[project.pk])).status_code == 404


@pytest.mark.django_db
def test_members_page_links_to_invitations(client, project, coordinator):
    client.force_login(coordinator)
    url = reverse("partnerships:members", args=[project.pk])
    assert f'<a class="button" href="/projects/{project.pk}/invite/">Invite someone</a>' in text_of(
        client.get(url)
    )


# --- ground rules ---------------------------------------------------------------------------------------


@pytest.fixture
def two_versions(project, coordinator):
    do_publish_ground_rules(project, text="We listen to each other.", acting_user=coordinator)
    return do_publish_ground_rules(
        project,
        text="We listen to each other.\nWe take breaks when we need them.",
        summary_of_changes="Added breaks.",
        acting_user=coordinator,
    )


@pytest.mark.django_db
def test_member_reads_current_rules_and_history_and_agrees(client, project, member, two_versions):
    client.force_login(member)
    url = reverse("partnerships:ground_rules", args=[project.pk])
    page = text_of(client.get(url))
    assert "Version 2 (current)" in page
    assert "What changed:</strong> Added breaks." in page
    assert "You have not agreed to the ground rules yet." in page
    assert (
        f'href="{reverse("partnerships:ground_rules_version", args=[project.pk, 1])}">Version 1</a>' in page
    )
    assert "Who has agreed" not in page  # coordinators only
    response = client.post(
        reverse("partnerships:ground_rules_agree", args=[project.pk]), {"version": "2"}, follow=True
    )
    page = text_of(response)
    assert "Thank you. You have agreed to version 2 of the ground rules." in page
    assert "You have agreed to these ground rules (version 2)." in page
    assert GroundRulesAgreement.objects.get(person=member).version == two_versions


@pytest.mark.django_db
def test_an_old_version_stays_readable(client, project, member, two_versions):
    client.force_login(member)
    page = text_of(client.get(reverse("partnerships:ground_rules_version", args=[project.pk, 1])))
    assert "Ground rules, version 1" in page
    assert "This is an earlier version, kept for the record." in page
    assert "We take breaks" not in page
    assert client.get(reverse("partnerships:ground_rules_version", args=[project.pk, 3])).status_code == 404


@pytest.mark.django_db
def test_agreeing_to_rules_that_changed_while_reading_says_so(client, project, member, two_versions):
    client.force_login(member)
    response = client.post(
        reverse("partnerships:ground_rules_agree", args=[project.pk]), {"version": "1"}, follow=True
    )
    assert (
        "The ground rules have changed since you opened them: version 2 is now the current one. Please read "
        "it, and agree to it if you are happy with it."
    ) in text_of(response)
    assert not GroundRulesAgreement.objects.exists()


@pytest.mark.django_db
def test_agreeing_with_htmx_swaps_just_the_agreement_panel(client, project, member, two_versions):
    client.force_login(member)
    response = client.post(
        reverse("partnerships:ground_rules_agree", args=[project.pk]),
        {"version": "2"},
        HTTP_HX_REQUEST="true",
    )
    page = text_of(response).strip()
    assert page.startswith('<div id="agreement" class="agreement">')
    assert "You have agreed to these ground rules (version 2)." in page


@pytest.mark.django_db
def test_member_who_agreed_to_an_older_version_is_asked_again(client, project, coordinator, member):
    first = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    do_agree_to_ground_rules(first, acting_user=member)
    do_publish_ground_rules(project, text="We listen.\nWe start on time.", acting_user=coordinator)
    client.force_login(member)
    page = text_of(client.get(reverse("partnerships:ground_rules", args=[project.pk])))
    assert "You agreed to version 1. The ground rules have changed since then." in page
    assert "I agree to version 2 of the ground rules" in page


@pytest.mark.django_db
def test_coordinator_sees_who_has_agreed_by_badge_name(
    client, project, coordinator, facilitator, member, two_versions
):
    do_agree_to_ground_rules(two_versions, acting_user=facilitator)
    client.force_login(coordinator)
    page = text_of(client.get(reverse("partnerships:ground_rules", args=[project.pk])))
    assert "1 of 3 members has agreed; 2 have not yet." in page
    assert "<h3>Agreed (1)</h3>\n      <ul><li>Robin</li></ul>" in page
    assert "<h3>Not agreed yet (2)</h3>\n      <ul><li>Jo</li><li>Sam</li></ul>" in page
    assert "facilitator@example.org" not in page


@pytest.mark.django_db
def test_drafting_and_publishing_a_new_version(client, project, coordinator, facilitator, steering, member):
    client.force_login(facilitator)
    draft_url = reverse("partnerships:ground_rules_draft", args=[project.pk])
    response = client.post(
        draft_url, {"text": "We listen.\nWe keep what is said private.", "revision": "0"}, follow=True
    )
    assert "The draft is saved. Everyone in the project can read it." in text_of(response)
    assert "Publish the draft" not in text_of(response)  # facilitators draft but do not publish

    client.force_login(member)
    page = text_of(client.get(reverse("partnerships:ground_rules", args=[project.pk])))
    assert "Draft of the next version" in page and "We keep what is said private." in page
    assert "Edit the draft" not in page

    client.force_login(steering)
    publish_url = reverse("partnerships:ground_rules_publish", args=[project.pk])
    form = text_of(client.get(publish_url))
    assert "We keep what is said private." in form  # the form starts from the shared draft
    response = client.post(
        publish_url,
        {"text": "We listen.\nWe keep what is said private.", "summary_of_changes": "First version."},
        follow=True,
    )
    assert "Version 1 of the ground rules is published. Members will be asked to agree to it." in text_of(
        response
    )
    assert project.ground_rules_versions.get().published_by == steering


@pytest.mark.django_db
def test_a_draft_saved_by_someone_else_meanwhile_is_shown_not_overwritten(
    client, project, facilitator, steering
):
    do_save_ground_rules_draft(project, text="We listen.", based_on_revision=0, acting_user=steering)
    do_save_ground_rules_draft(
        project, text="We listen.\nPhones on silent.", based_on_revision=1, acting_user=steering
    )
    client.force_login(facilitator)
    response = client.post(
        reverse("partnerships:ground_rules_draft", args=[project.pk]),
        {"text": "We listen carefully.", "revision": "1"},
    )
    assert field_error(response, "id_text") == (
        "Someone else saved the draft while you were editing it. Their version is shown below: copy in any "
        "changes of yours that are still needed, then save again."
    )
    page = text_of(response)
    assert "The draft as Morgan saved it" in page
    assert "Phones on silent." in page
    assert "We listen carefully.</textarea>" in page  # their own words are kept in the box
    assert '<input type="hidden" name="revision" value="2"' in page  # the next save builds on what they saw
    project.ground_rules_draft.refresh_from_db()
    assert project.ground_rules_draft.text == "We listen.\nPhones on silent."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "", "summary_of_changes": ""}, "text", "Write the ground rules before saving them."),
        (
            {"text": "We listen to each other.\nWe take breaks when we need them.", "summary_of_changes": ""},
            "text",
            "This is the same as version 2. Change the ground rules before publishing a new version.",
        ),
        ({"text": "x" * 10_001}, "text", "Keep the ground rules under 10,000 characters."),
        (
            {"text": "New rules", "summary_of_changes": "s" * 301},
            "summary_of_changes",
            "Keep the summary of changes under 300 characters.",
        ),
    ],
)
def test_publish_bad_input(client, project, coordinator, two_versions, data, field, message):
    client.force_login(coordinator)
    before = AuditEntry.objects.count()
    response = client.post(reverse("partnerships:ground_rules_publish", args=[project.pk]), data)
    assert field_error(response, f"id_{field}") == message
    assert project.ground_rules_versions.count() == 2
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_draft_bad_input(client, project, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("partnerships:ground_rules_draft", args=[project.pk]), {"text": " ", "revision": "0"}
    )
    assert field_error(response, "id_text") == "Write the ground rules before saving them."


@pytest.mark.django_db
def test_project_and_ground_rules_pages_take_the_same_queries_however_many_members(
    client, project, coordinator, two_versions
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coproduce.partnerships.actions import do_add_member
    from tests.conftest import make_person

    client.force_login(coordinator)
    urls = [
        reverse("partnerships:project_detail", args=[project.pk]),
        reverse("partnerships:ground_rules", args=[project.pk]),
        reverse("partnerships:members", args=[project.pk]),
    ]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    few = queries()
    for i in range(10):
        person = make_person(f"p{i}@example.org", f"P{i}")
        do_add_member(project, person, acting_user=coordinator)
        if i % 2:
            do_agree_to_ground_rules(two_versions, acting_user=person)
    assert queries() == few


def test_the_project_page_links_to_the_work_each_person_may_do(client, project, coordinator, member):
    client.force_login(coordinator)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/outcomes/project/{project.pk}/"' in page
    assert f'href="/payments/project/{project.pk}/"' in page
    client.force_login(member)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/outcomes/project/{project.pk}/"' in page
    assert f'href="/payments/project/{project.pk}/"' not in page  # payments: coordinators only
