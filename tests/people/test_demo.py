"""The demo people step: the cast's perspectives and believable access needs, set through the actions."""

import pytest

from coproduce.demo import ensure_demo_data
from coproduce.demo.cast import DEMO_PEOPLE
from coproduce.people.access import perspective_counts
from coproduce.people.models import Person

pytestmark = pytest.mark.django_db


def test_demo_people_have_their_perspectives_and_needs():
    assert ensure_demo_data() is True
    for demo in DEMO_PEOPLE:
        person = Person.objects.get(email=demo.email)
        assert sorted(person.perspectives.values_list("perspective", flat=True)) == sorted(demo.perspectives)
    grace = Person.objects.get(email="grace@example.org")
    assert grace.access_needs == ["step_free", "quiet_space"]
    assert grace.access_needs_review_due()  # her profile shows the prompt to review
    tom = Person.objects.get(email="tom@example.org")
    assert tom.access_needs == ["large_print", "hearing_loop"] and not tom.access_needs_review_due()
    counts = perspective_counts(Person.objects.filter(email__in=[d.email for d in DEMO_PEOPLE]))
    assert all(
        counts[kind] >= 1 for kind in ("lived_experience", "carer", "professional", "student", "organisation")
    )
    assert counts["not_declared"] == 1  # Lee, of the cast; public sign-ups in the events demo declare nothing
