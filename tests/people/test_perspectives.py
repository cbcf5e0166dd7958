"""Perspectives are private: the person and their projects' coordinators see them; only counts leave."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from coproduce.partnerships.models import Membership
from coproduce.partnerships.perspectives import access_perspectives_by_person_id
from coproduce.people.access import SMALL_CELL, perspective_counts
from coproduce.people.actions import do_set_perspectives
from coproduce.people.models import Person, Perspective

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_perspectives(member):
    do_set_perspectives(member, ["lived_experience", "carer"], acting_user=member)
    return member


@pytest.mark.parametrize(
    "viewer, allowed",
    [
        ("member", True),  # themselves
        ("coordinator", True),
        ("facilitator", False),
        ("other_member", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_who_may_see_a_persons_perspectives(request, project, member_perspectives, viewer, allowed):
    user = AnonymousUser() if viewer == "anonymous" else request.getfixturevalue(viewer)
    if allowed:
        person, perspectives = access_perspectives_by_person_id(user, member_perspectives.pk)
        assert person == member_perspectives
        assert sorted(perspectives) == ["carer", "lived_experience"]
    else:
        with pytest.raises(Http404):
            access_perspectives_by_person_id(user, member_perspectives.pk)


def test_coordinator_of_another_project_cannot_see_them(
    project, other_project, member_perspectives, other_member
):
    Membership.objects.filter(person=other_member).update(role=Membership.Role.COORDINATOR)
    with pytest.raises(Http404):
        access_perspectives_by_person_id(other_member, member_perspectives.pk)


def test_unknown_person_is_not_found(coordinator):
    with pytest.raises(Http404):
        access_perspectives_by_person_id(coordinator, 987654)
    with pytest.raises(Http404):
        access_perspectives_by_person_id(coordinator, "not-a-number")


def test_counts_only(project, coordinator, facilitator, member_perspectives):
    do_set_perspectives(coordinator, ["professional"], acting_user=coordinator)
    counts = perspective_counts(Person.objects.filter(memberships__project=project))
    assert counts == {
        "lived_experience": 1,
        "carer": 1,
        "professional": 1,
        "student": 0,
        "organisation": 0,
        "not_declared": 1,
        "people": 3,
    }


def test_small_counts_can_be_suppressed(project, coordinator, facilitator, member_perspectives):
    for person in (coordinator, facilitator):
        do_set_perspectives(person, ["professional"], acting_user=person)
    counts = perspective_counts(
        Person.objects.filter(memberships__project=project), suppress_below=SMALL_CELL
    )
    assert counts["lived_experience"] is None and counts["carer"] is None
    assert counts["professional"] is None  # 2 < 3
    assert counts["student"] == 0 and counts["people"] == 3 and counts["not_declared"] == 0


def test_erased_people_are_not_counted(project, member_perspectives, coordinator):
    Person.objects.filter(pk=member_perspectives.pk).update(is_active=False)
    counts = perspective_counts(Person.objects.filter(memberships__project=project))
    assert counts["people"] == 1 and counts["carer"] == 0


def test_counts_page_shows_numbers_and_never_names(client, project, coordinator, member_perspectives):
    client.force_login(coordinator)
    page = client.get(f"/projects/{project.pk}/perspectives/").content.decode()
    assert '<th scope="row">Carer</th><td>1</td>' in page
    assert '<th scope="row">Did not say</th><td>1</td>' in page
    assert not re.search(r"\bJo\b", page)  # the member's badge name


def test_setting_perspectives_keeps_the_first_declaration_date(member):
    do_set_perspectives(member, ["carer"], acting_user=member)
    first = Perspective.objects.get(person=member).declared_at
    do_set_perspectives(member, ["carer", "student"], acting_user=member)
    assert Perspective.objects.get(person=member, perspective="carer").declared_at == first
    do_set_perspectives(member, [], acting_user=member)
    assert not Perspective.objects.filter(person=member).exists()


def test_other_people_never_see_my_perspective_on_my_profile(client, member_perspectives, coordinator):
    # The profile page is always the signed-in person's own: there is no way to open someone else's.
    client.force_login(coordinator)
    page = client.get("/me/", {"person": member_perspectives.pk}).content.decode()
    assert not re.search(r'name="perspectives" value="[a-z_]+"[^>]* checked', page)
    client.force_login(member_perspectives)
    own = client.get("/me/").content.decode()
    assert len(re.findall(r'name="perspectives" value="[a-z_]+"[^>]* checked', own)) == 2
