"""Fixtures for the partnerships tests: a steering group member beside the shared named people."""

from __future__ import annotations

import pytest

from coproduce.partnerships.models import Membership
from coproduce.people.models import Person
from tests.conftest import make_person


@pytest.fixture
def steering(project) -> Person:
    person = make_person("steering@example.org", "Morgan")
    Membership.objects.create(project=project, person=person, role=Membership.Role.STEERING)
    return person


def membership_of(person, project) -> Membership:
    return Membership.objects.get(person=person, project=project)
