"""Actions: the rules that keep projects whole, and the audit row each change leaves."""

from __future__ import annotations

import pytest

from coproduce.core.models import AuditEntry
from coproduce.partnerships.access import agreement_overview, current_ground_rules, latest_version_agreed_by
from coproduce.partnerships.actions import (
    PartnershipError,
    do_add_member,
    do_agree_to_ground_rules,
    do_change_member_role,
    do_create_organisation,
    do_create_project,
    do_publish_ground_rules,
    do_remove_member,
    do_save_ground_rules_draft,
    do_set_project_status,
    do_update_project,
)
from coproduce.partnerships.models import (
    GroundRulesAgreement,
    GroundRulesVersion,
    Membership,
    Organisation,
    Project,
)
from tests.conftest import make_person

from .conftest import membership_of

Role = Membership.Role


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# --- organisations and projects -----------------------------------------------------------------------


@pytest.mark.django_db
def test_create_organisation_is_audited_and_names_are_unique_ignoring_case(coordinator):
    organisation = do_create_organisation(
        name="  Hillside   Carers ", kind="voluntary", acting_user=coordinator
    )
    assert organisation.name == "Hillside Carers"
    [entry] = audit("organisation.created")
    assert (entry.subject_id, entry.acting_user, entry.details) == (
        str(organisation.pk),
        coordinator,
        {"kind": "voluntary"},
    )
    with pytest.raises(PartnershipError) as refused:
        do_create_organisation(name="hillside carers", kind="other", acting_user=coordinator)
    assert refused.value.message == "There is already an organisation called “hillside carers”."
    assert refused.value.field == "name"
    assert Organisation.objects.filter(name__iexact="hillside carers").count() == 1


@pytest.mark.django_db
def test_the_database_also_refuses_a_name_differing_only_in_case(db):
    from django.db import IntegrityError, transaction

    Organisation.objects.create(name="Open Door", kind="voluntary")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="OPEN DOOR", kind="other")


@pytest.mark.django_db
def test_whoever_creates_a_project_becomes_its_coordinator(outsider, organisation):
    project = do_create_project(
        title=" Quiet  rooms ",
        purpose="Design quiet rooms with the people who use them.",
        ladder_rung="co_design",
        organisations=[organisation],
        acting_user=outsider,
    )
    assert project.title == "Quiet rooms"
    assert project.status == Project.Status.PLANNING
    assert list(project.organisations.all()) == [organisation]
    assert membership_of(outsider, project).role == Role.COORDINATOR
    [created] = audit("project.created")
    assert created.details == {"organisation_ids": [organisation.pk], "ladder_rung": "co_design"}
    [added] = audit("membership.added")
    assert added.details == {"project_id": project.pk, "person_id": outsider.pk, "role": "coordinator"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "purpose", "rung", "message"),
    [
        ("  ", "Why", "co_design", "Enter a title for the project."),
        ("Title", " \n ", "co_design", "Say in plain English what the project is for."),
        ("Title", "Why", "top_rung", "Choose a rung of the ladder of co-production."),
    ],
)
def test_a_project_needs_a_title_purpose_and_rung(outsider, title, purpose, rung, message):
    with pytest.raises(PartnershipError, match=message):
        do_create_project(title=title, purpose=purpose, ladder_rung=rung, acting_user=outsider)
    assert not Project.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_update_project_records_only_the_fields_that_changed(project, coordinator, organisation):
    other = Organisation.objects.create(name="Eastside Council", kind="local_authority")
    changed = do_update_project(
        project,
        title=project.title,
        purpose="Make leaving hospital feel safe.",
        ladder_rung=project.ladder_rung,
        organisations=[organisation, other],
        acting_user=coordinator,
    )
    assert changed == ["purpose", "organisations"]
    project.refresh_from_db()
    assert project.purpose == "Make leaving hospital feel safe."
    assert set(project.organisations.all()) == {organisation, other}
    [entry] = audit("project.updated")
    assert entry.details == {"fields": ["purpose", "organisations"]}
    again = do_update_project(
        project,
        title=project.title,
        purpose=project.purpose,
        ladder_rung=project.ladder_rung,
        organisations=[organisation, other],
        acting_user=coordinator,
    )
    assert again == []
    assert len(audit("project.updated")) == 1


@pytest.mark.django_db
def test_status_changes_are_audited_with_before_and_after(project, coordinator):
    assert do_set_project_status(project, status="closed", acting_user=coordinator) is True
    assert Project.objects.get(pk=project.pk).status == "closed"
    assert do_set_project_status(project, status="closed", acting_user=coordinator) is False
    [entry] = audit("project.status_changed")
    assert entry.details == {"previous": "active", "status": "closed"}
    with pytest.raises(PartnershipError, match="Choose planning, active or closed."):
        do_set_project_status(project, status="paused", acting_user=coordinator)


# --- memberships ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_someone_twice_changes_nothing(project, coordinator, outsider):
    first = do_add_member(project, outsider, role=Role.FACILITATOR, acting_user=coordinator)
    second = do_add_member(project, outsider, role=Role.MEMBER, acting_user=coordinator)
    assert first.pk == second.pk
    assert membership_of(outsider, project).role == Role.FACILITATOR
    [entry] = audit("membership.added")
    assert entry.details == {"project_id": project.pk, "person_id": outsider.pk, "role": "facilitator"}
    with pytest.raises(PartnershipError, match="Choose one of the roles listed."):
        do_add_member(project, make_person("x@example.org", "X"), role="chair", acting_user=coordinator)


@pytest.mark.django_db
def test_the_last_coordinator_cannot_be_made_anything_else(project, coordinator):
    with pytest.raises(PartnershipError) as refused:
        do_change_member_role(membership_of(coordinator, project), role=Role.MEMBER, acting_user=coordinator)
    assert refused.value.message == (
        "Sam is the only coordinator. A project needs at least one coordinator: make someone else a "
        "coordinator first."
    )
    assert membership_of(coordinator, project).role == Role.COORDINATOR
    assert not audit("membership.role_changed")


@pytest.mark.django_db
def test_a_coordinator_can_step_down_once_someone_else_coordinates(project, coordinator, member):
    assert do_change_member_role(
        membership_of(member, project), role=Role.COORDINATOR, acting_user=coordinator
    )
    assert do_change_member_role(
        membership_of(coordinator, project), role=Role.STEERING, acting_user=coordinator
    )
    assert membership_of(coordinator, project).role == Role.STEERING
    assert [e.details for e in audit("membership.role_changed")] == [
        {"project_id": project.pk, "person_id": member.pk, "previous": "member", "role": "coordinator"},
        {
            "project_id": project.pk,
            "person_id": coordinator.pk,
            "previous": "coordinator",
            "role": "steering",
        },
    ]
    # Now the member is the last coordinator.
    with pytest.raises(PartnershipError, match="Jo is the only coordinator"):
        do_change_member_role(membership_of(member, project), role=Role.MEMBER, acting_user=member)


@pytest.mark.django_db
def test_changing_to_the_same_role_is_not_a_change(project, coordinator, member):
    assert (
        do_change_member_role(membership_of(member, project), role=Role.MEMBER, acting_user=coordinator)
        is False
    )
    assert not audit("membership.role_changed")


@pytest.mark.django_db
def test_the_last_coordinator_cannot_be_removed_or_leave(project, coordinator, member):
    own = membership_of(coordinator, project)
    with pytest.raises(PartnershipError) as leaving:
        do_remove_member(own, acting_user=coordinator)
    assert leaving.value.message == (
        "You are the only coordinator. A project needs at least one coordinator: make someone else a "
        "coordinator before you leave."
    )
    with pytest.raises(PartnershipError, match="Sam is the only coordinator"):
        do_remove_member(own, acting_user=member)
    assert Membership.objects.filter(pk=own.pk).exists()
    assert not audit("membership.removed")


@pytest.mark.django_db
def test_removing_a_member_is_audited_and_keeps_their_agreements(project, coordinator, member):
    version = do_publish_ground_rules(project, text="Be kind.", acting_user=coordinator)
    do_agree_to_ground_rules(version, acting_user=member)
    membership = membership_of(member, project)
    do_remove_member(membership, acting_user=coordinator)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    [entry] = audit("membership.removed")
    assert entry.subject_id == str(membership.pk)
    assert entry.details == {"project_id": project.pk, "person_id": member.pk, "role": "member"}
    assert GroundRulesAgreement.objects.filter(person=member, version=version).exists()


# --- ground rules -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_makes_numbered_versions_and_keeps_the_old_ones(project, coordinator, steering):
    first = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    second = do_publish_ground_rules(
        project,
        text="We listen.\nWe take breaks.",
        summary_of_changes="Breaks   added.",
        acting_user=steering,
    )
    assert (first.number, second.number) == (1, 2)
    assert current_ground_rules(project) == second
    assert list(GroundRulesVersion.objects.filter(project=project).values_list("number", "text")) == [
        (2, "We listen.\nWe take breaks."),
        (1, "We listen."),
    ]
    assert second.summary_of_changes == "Breaks added."
    assert second.published_by == steering
    assert [(e.acting_user, e.details) for e in audit("ground_rules.published")] == [
        (coordinator, {"project_id": project.pk, "number": 1}),
        (steering, {"project_id": project.pk, "number": 2}),
    ]
    # The draft moves on with what was published.
    assert project.ground_rules_draft.text == "We listen.\nWe take breaks."


@pytest.mark.django_db
def test_versions_are_numbered_per_project(project, other_project, coordinator, other_member):
    do_publish_ground_rules(project, text="A", acting_user=coordinator)
    do_publish_ground_rules(project, text="B", acting_user=coordinator)
    assert do_publish_ground_rules(other_project, text="C", acting_user=other_member).number == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Write the ground rules before saving them."),
        (
            "We listen.",
            "This is the same as version 1. Change the ground rules before publishing a new version.",
        ),
        ("x" * 10_001, "Keep the ground rules under 10,000 characters (this is 10,001)."),
    ],
)
def test_publishing_refuses_empty_unchanged_or_overlong_rules(project, coordinator, text, message):
    do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    with pytest.raises(PartnershipError) as refused:
        do_publish_ground_rules(project, text=text, acting_user=coordinator)
    assert refused.value.message == message
    assert project.ground_rules_versions.count() == 1


@pytest.mark.django_db
def test_a_closed_project_cannot_publish_or_agree(project, coordinator, member):
    version = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    do_set_project_status(project, status="closed", acting_user=coordinator)
    project.refresh_from_db()
    with pytest.raises(
        PartnershipError, match="This project is closed, so its ground rules can no longer change."
    ):
        do_publish_ground_rules(project, text="New", acting_user=coordinator)
    version.refresh_from_db()
    with pytest.raises(PartnershipError, match="can no longer be agreed to"):
        do_agree_to_ground_rules(version, acting_user=member)


@pytest.mark.django_db
def test_the_draft_refuses_a_save_based_on_an_older_revision(project, facilitator, steering):
    draft = do_save_ground_rules_draft(
        project, text="We listen.", based_on_revision=0, acting_user=facilitator
    )
    assert (draft.revision, draft.updated_by) == (1, facilitator)
    draft = do_save_ground_rules_draft(
        project, text="We listen.\nPhones on silent.", based_on_revision=1, acting_user=steering
    )
    assert draft.revision == 2
    with pytest.raises(PartnershipError) as refused:
        do_save_ground_rules_draft(
            project, text="We listen carefully.", based_on_revision=1, acting_user=facilitator
        )
    assert refused.value.message.startswith("Someone else saved the draft while you were editing it.")
    project.ground_rules_draft.refresh_from_db()
    assert project.ground_rules_draft.text == "We listen.\nPhones on silent."
    assert [e.details["revision"] for e in audit("ground_rules.draft_saved")] == [1, 2]
    # Saving the same words again is not a new revision.
    assert (
        do_save_ground_rules_draft(
            project, text="We listen.\r\nPhones on silent.", based_on_revision=2, acting_user=steering
        ).revision
        == 2
    )


@pytest.mark.django_db
def test_agreement_is_recorded_with_the_version_agreed_to(
    project, coordinator, member, facilitator, steering
):
    first = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    do_agree_to_ground_rules(first, acting_user=member)
    do_agree_to_ground_rules(first, acting_user=facilitator)
    second = do_publish_ground_rules(project, text="We listen.\nWe take breaks.", acting_user=coordinator)
    do_agree_to_ground_rules(second, acting_user=facilitator)

    assert latest_version_agreed_by(member, project) == first
    assert latest_version_agreed_by(facilitator, project) == second
    assert latest_version_agreed_by(steering, project) is None
    assert set(GroundRulesAgreement.objects.values_list("person__badge_name", "version__number")) == {
        ("Jo", 1),
        ("Robin", 1),
        ("Robin", 2),
    }
    assert [e.details for e in audit("ground_rules.agreed")] == [
        {"project_id": project.pk, "number": 1},
        {"project_id": project.pk, "number": 1},
        {"project_id": project.pk, "number": 2},
    ]
    overview = agreement_overview(project)
    assert overview.version == second
    assert overview.agreed == ["Robin"]
    assert overview.agreed_to_earlier_version_only == ["Jo"]
    assert overview.not_agreed == ["Morgan", "Sam"]
    assert (overview.total, overview.not_yet_agreed_count) == (4, 3)


@pytest.mark.django_db
def test_nobody_can_agree_to_an_old_version(project, coordinator, member):
    first = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    do_publish_ground_rules(project, text="We listen.\nWe take breaks.", acting_user=coordinator)
    with pytest.raises(PartnershipError) as refused:
        do_agree_to_ground_rules(first, acting_user=member)
    assert refused.value.message == (
        "The ground rules have changed since you opened them: version 2 is now the current one. Please read "
        "it, and agree to it if you are happy with it."
    )
    assert not GroundRulesAgreement.objects.exists()


@pytest.mark.django_db
def test_agreeing_twice_records_one_agreement(project, coordinator, member):
    version = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    first = do_agree_to_ground_rules(version, acting_user=member)
    again = do_agree_to_ground_rules(version, acting_user=member)
    assert first.pk == again.pk
    assert len(audit("ground_rules.agreed")) == 1


@pytest.mark.django_db
def test_only_members_agree_and_only_for_themselves(project, coordinator, other_member):
    version = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    with pytest.raises(PartnershipError, match="Only members of this project can agree to its ground rules."):
        do_agree_to_ground_rules(version, acting_user=other_member)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PartnershipError, match="Sign in first."):
        do_agree_to_ground_rules(version, acting_user=AnonymousUser())
    assert not GroundRulesAgreement.objects.exists()


@pytest.mark.django_db
def test_agreement_overview_takes_the_same_queries_however_many_members(
    project, coordinator, django_assert_num_queries
):
    version = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    for i in range(12):
        person = make_person(f"p{i}@example.org", f"P{i}")
        do_add_member(project, person, acting_user=coordinator)
        if i % 2:
            do_agree_to_ground_rules(version, acting_user=person)
    with django_assert_num_queries(3):
        overview = agreement_overview(project)
    assert (len(overview.agreed), overview.total) == (6, 13)


@pytest.mark.django_db
def test_a_persons_data_download_includes_their_ground_rules_agreements(project, coordinator, member):
    from coproduce.people.actions import do_export_person_data

    first = do_publish_ground_rules(project, text="We listen.", acting_user=coordinator)
    agreement = do_agree_to_ground_rules(first, acting_user=member)
    assert do_export_person_data(member, acting_user=member)["ground_rules"] == {
        "agreed_to": [
            {
                "project": "Better discharge together",
                "version": 1,
                "agreed_at": agreement.agreed_at.isoformat(),
            }
        ],
        "published": [],
    }
    assert do_export_person_data(coordinator, acting_user=coordinator)["ground_rules"]["published"] == [
        {"project": "Better discharge together", "version": 1, "published_at": first.published_at.isoformat()}
    ]
