"""The steering group's decision log: nobody involved is named, only counted by perspective."""

from __future__ import annotations

import re

import pytest

from coproduce.outcomes.models import Decision
from coproduce.partnerships.models import Membership
from coproduce.people.models import Perspective
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def steering_group(project):
    people = []
    for i, kind in enumerate(["lived_experience"] * 6 + ["carer", "professional"]):
        person = make_person(f"steer{i}@example.org", f"Steer{i}")
        Membership.objects.create(project=project, person=person, role=Membership.Role.STEERING)
        Perspective.objects.create(person=person, perspective=kind)
        people.append(person)
    return people


def test_the_steering_group_records_a_decision_and_nobody_is_named(
    client, project, steering_group, member, make_action
):
    action = make_action()
    client.force_login(steering_group[0])
    response = client.post(
        f"/outcomes/project/{project.pk}/decisions/new/",
        {
            "proposal": "Ask people to help rewrite the discharge letter.",
            "outcome": "Agreed: three workshops in spring.",
            "decided_on": "2026-11-20",
            "involved": [str(p.pk) for p in steering_group],
            "linked_actions": [str(action.pk)],
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.involved.count() == 8 and list(decision.actions.all()) == [action]

    client.force_login(member)
    page = client.get(f"/outcomes/project/{project.pk}/decisions/").content.decode()
    assert "Agreed: three workshops in spring." in page
    assert "Discharge letters give the day and time" in page
    assert not re.search(r"Steer\d", page)
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', page))
    assert rows["Lived experience of using services"] == "6"
    assert rows["Carer"] == "fewer than 5"
    assert "Record a decision" not in page


def test_only_members_can_be_counted_as_involved(client, project, coordinator, outsider):
    client.force_login(coordinator)
    response = client.post(
        f"/outcomes/project/{project.pk}/decisions/new/",
        {"proposal": "A", "outcome": "B", "decided_on": "2026-11-20", "involved": [str(outsider.pk)]},
    )
    assert "is not one of the available choices" in response.content.decode()
    assert not Decision.objects.exists()
