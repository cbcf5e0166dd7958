"""Who may open and use each project page, as one table.

Rows are (page, who) → outcome:

- ``ok``: the page opens (GET 200), or the change is accepted or answered on the page (POST);
- ``404``: refused, and it looks exactly like a project that does not exist;
- ``sign_in``: not signed in, so sent to the sign-in page first (for any /projects/ address, real or not).

The project has a published first version of its ground rules and a draft of the second, so that every
page has something to show.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from coproduce.core.models import AuditEntry
from coproduce.partnerships import permissions
from coproduce.partnerships.actions import do_publish_ground_rules, do_save_ground_rules_draft
from coproduce.partnerships.models import Membership, Project

from .conftest import membership_of

WHO = ["coordinator", "facilitator", "steering", "member", "other_member", "outsider", "anonymous"]
MEMBERS = {"coordinator", "facilitator", "steering", "member"}
SIGNED_IN = MEMBERS | {"other_member", "outsider"}
COORDINATOR = {"coordinator"}
DRAFTERS = {"coordinator", "facilitator", "steering"}
PUBLISHERS = {"coordinator", "steering"}
# Organisations and projects are created by staff and by people who coordinate a project somewhere.
# In these fixtures only ``coordinator`` coordinates anything.
CREATORS = {"coordinator"}


@pytest.fixture
def setting(project, coordinator, facilitator, steering, member, other_member, outsider):
    do_publish_ground_rules(project, text="We listen to each other.", acting_user=coordinator)
    do_save_ground_rules_draft(
        project,
        text="We listen to each other.\nWe take breaks.",
        based_on_revision=1,
        acting_user=facilitator,
    )
    people = {
        "coordinator": coordinator,
        "facilitator": facilitator,
        "steering": steering,
        "member": member,
        "other_member": other_member,
        "outsider": outsider,
        "anonymous": None,
    }
    return project, people


def _expected(who: str, allowed: set[str]) -> str:
    if who == "anonymous":
        return "sign_in"
    return "ok" if who in allowed else "404"


def _client_for(client, person):
    if person is not None:
        client.force_login(person)
    return client


def _without_csrf_token(content: bytes) -> bytes:
    content = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def _outcome(response) -> str:
    if response.status_code == 404:
        return "404"
    if response.status_code == 302 and response["Location"].startswith(reverse("people:sign_in")):
        return "sign_in"
    assert response.status_code in (200, 204, 302), response.status_code
    return "ok"


GET_PAGES = [
    ("project_list", lambda p, m: reverse("partnerships:project_list"), SIGNED_IN),
    ("organisation_list", lambda p, m: reverse("partnerships:organisation_list"), SIGNED_IN),
    ("organisation_create", lambda p, m: reverse("partnerships:organisation_create"), CREATORS),
    ("project_create", lambda p, m: reverse("partnerships:project_create"), CREATORS),
    ("project_detail", lambda p, m: reverse("partnerships:project_detail", args=[p.pk]), MEMBERS),
    ("project_edit", lambda p, m: reverse("partnerships:project_edit", args=[p.pk]), COORDINATOR),
    ("project_leave", lambda p, m: reverse("partnerships:project_leave", args=[p.pk]), MEMBERS),
    ("members", lambda p, m: reverse("partnerships:members", args=[p.pk]), COORDINATOR),
    ("member_remove", lambda p, m: reverse("partnerships:member_remove", args=[p.pk, m.pk]), COORDINATOR),
    ("ground_rules", lambda p, m: reverse("partnerships:ground_rules", args=[p.pk]), MEMBERS),
    (
        "ground_rules_version",
        lambda p, m: reverse("partnerships:ground_rules_version", args=[p.pk, 1]),
        MEMBERS,
    ),
    ("ground_rules_draft", lambda p, m: reverse("partnerships:ground_rules_draft", args=[p.pk]), DRAFTERS),
    (
        "ground_rules_publish",
        lambda p, m: reverse("partnerships:ground_rules_publish", args=[p.pk]),
        PUBLISHERS,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("page", "url", "allowed"), GET_PAGES, ids=[row[0] for row in GET_PAGES])
def test_who_may_open_each_page(client, setting, who, page, url, allowed):
    project, people = setting
    target = membership_of(people["member"], project)
    response = _client_for(client, people[who]).get(url(project, target))
    assert _outcome(response) == _expected(who, allowed), f"{who} opening {page}"


POSTS = [
    (
        "project_edit",
        lambda p, m: reverse("partnerships:project_edit", args=[p.pk]),
        {"title": "Renamed", "purpose": "A new purpose.", "ladder_rung": "co_design"},
        COORDINATOR,
    ),
    (
        "project_status",
        lambda p, m: reverse("partnerships:project_status", args=[p.pk]),
        {"status": "planning"},
        COORDINATOR,
    ),
    (
        "member_role",
        lambda p, m: reverse("partnerships:member_role", args=[p.pk, m.pk]),
        {"role": "steering"},
        COORDINATOR,
    ),
    ("member_remove", lambda p, m: reverse("partnerships:member_remove", args=[p.pk, m.pk]), {}, COORDINATOR),
    (
        "ground_rules_agree",
        lambda p, m: reverse("partnerships:ground_rules_agree", args=[p.pk]),
        {"version": "1"},
        MEMBERS,
    ),
    (
        "ground_rules_draft",
        lambda p, m: reverse("partnerships:ground_rules_draft", args=[p.pk]),
        {"text": "We listen.\nWe take breaks.\nWe start on time.", "revision": "1"},
        DRAFTERS,
    ),
    (
        "ground_rules_publish",
        lambda p, m: reverse("partnerships:ground_rules_publish", args=[p.pk]),
        {"text": "We listen.\nWe take breaks.", "summary_of_changes": "Breaks added."},
        PUBLISHERS,
    ),
    ("project_leave", lambda p, m: reverse("partnerships:project_leave", args=[p.pk]), {}, MEMBERS),
    (
        "organisation_create",
        lambda p, m: reverse("partnerships:organisation_create"),
        {"name": "Hillside Carers", "kind": "voluntary"},
        CREATORS,
    ),
    (
        "project_create",
        lambda p, m: reverse("partnerships:project_create"),
        {"title": "New", "purpose": "Something new.", "ladder_rung": "co_production"},
        CREATORS,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("action", "url", "data", "allowed"), POSTS, ids=[row[0] for row in POSTS])
def test_who_may_change_things(client, setting, who, action, url, data, allowed):
    """A refused change looks like "not found" and leaves no trace: no audit row, nothing changed."""
    project, people = setting
    target = membership_of(people["member"], project)
    audit_rows = AuditEntry.objects.count()
    memberships = list(Membership.objects.values_list("pk", "role"))
    response = _client_for(client, people[who]).post(url(project, target), data)
    expected = _expected(who, allowed)
    assert _outcome(response) == expected, f"{who} posting {action}"
    if expected != "ok":
        assert AuditEntry.objects.count() == audit_rows
        assert list(Membership.objects.values_list("pk", "role")) == memberships
        assert Project.objects.get(pk=project.pk).title == "Better discharge together"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "outsider"])
def test_a_project_that_does_not_exist_looks_the_same_as_one_you_are_not_in(client, setting, who):
    project, people = setting
    client.force_login(people[who])
    missing = client.get(reverse("partnerships:project_detail", args=[project.pk + 1000]))
    assert missing.status_code == 404
    if who == "outsider":
        refused = client.get(reverse("partnerships:project_detail", args=[project.pk]))
        assert refused.status_code == 404
        assert _without_csrf_token(refused.content) == _without_csrf_token(missing.content)


@pytest.mark.django_db
def test_a_membership_from_another_project_is_not_found_here(client, setting, other_project, other_member):
    project, people = setting
    elsewhere = membership_of(other_member, other_project)
    client.force_login(people["coordinator"])
    for name in ("member_role", "member_remove"):
        response = client.post(
            reverse(f"partnerships:{name}", args=[project.pk, elsewhere.pk]), {"role": "coordinator"}
        )
        assert response.status_code == 404
    assert membership_of(other_member, other_project).role == Membership.Role.MEMBER


@pytest.mark.django_db
def test_a_closed_projects_ground_rules_are_read_only(client, setting):
    project, people = setting
    project.status = Project.Status.CLOSED
    project.save()
    for who in ("coordinator", "steering", "member"):
        client.force_login(people[who])
        assert client.get(reverse("partnerships:ground_rules", args=[project.pk])).status_code == 200
        assert client.get(reverse("partnerships:ground_rules_draft", args=[project.pk])).status_code == 404
        assert client.get(reverse("partnerships:ground_rules_publish", args=[project.pk])).status_code == 404
        assert (
            client.post(
                reverse("partnerships:ground_rules_agree", args=[project.pk]), {"version": "1"}
            ).status_code
            == 404
        )
    # Coordinators can still reopen it.
    client.force_login(people["coordinator"])
    assert client.get(reverse("partnerships:project_edit", args=[project.pk])).status_code == 200


POLICY = [
    # rule                              coordinator facilitator steering member
    ("can_view_project", (True, True, True, True)),
    ("can_edit_project", (True, False, False, False)),
    ("can_set_project_status", (True, False, False, False)),
    ("can_manage_members", (True, False, False, False)),
    ("can_invite_people", (True, False, False, False)),
    ("can_leave_project", (True, True, True, True)),
    ("can_see_member_perspectives", (True, False, False, False)),
    ("can_manage_events", (True, True, False, False)),
    ("can_facilitate_sessions", (True, True, False, False)),
    ("can_view_ground_rules", (True, True, True, True)),
    ("can_edit_ground_rules", (True, True, True, False)),
    ("can_publish_ground_rules", (True, False, True, False)),
    ("can_agree_ground_rules", (True, True, True, True)),
    ("can_see_ground_rules_agreement", (True, False, False, False)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("rule", "answers"), POLICY, ids=[row[0] for row in POLICY])
def test_policy_functions_other_apps_call(setting, rule, answers):
    """The functions events, live sessions and sense-making call: members by role; nobody else at all."""
    project, people = setting
    check = getattr(permissions, rule)
    for who, answer in zip(("coordinator", "facilitator", "steering", "member"), answers, strict=True):
        assert check(people[who], project) is answer, f"{rule} for {who}"
    for who in ("other_member", "outsider"):
        assert check(people[who], project) is False, f"{rule} for {who}"
    from django.contrib.auth.models import AnonymousUser

    assert check(AnonymousUser(), project) is False


@pytest.mark.django_db
def test_staff_may_create_organisations_and_projects_but_see_no_project_they_are_not_in(client, setting):
    from tests.conftest import make_person

    project, _ = setting
    staff = make_person("staff@example.org", "Ash")
    staff.is_staff = True
    staff.save()
    assert permissions.can_create_organisation(staff) and permissions.can_create_project(staff)
    assert not permissions.can_view_project(staff, project)
    client.force_login(staff)
    assert client.get(reverse("partnerships:project_create")).status_code == 200
    assert client.get(reverse("partnerships:project_detail", args=[project.pk])).status_code == 404
