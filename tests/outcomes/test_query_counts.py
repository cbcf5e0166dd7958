"""The hot outcomes pages read in a fixed number of queries, however many rows there are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.events.actions import do_check_in, do_create_event
from coproduce.events.models import Event
from coproduce.outcomes.actions import (
    do_create_feedback_form,
    do_set_public_page,
    do_submit_feedback,
    do_update_action,
)
from coproduce.people.models import Perspective
from tests.conftest import make_person
from tests.events.conftest import register

pytestmark = pytest.mark.django_db


def grow(project, coordinator, make_action, n: int, offset: int) -> None:
    """Add ``n`` events, each with people checked in and feedback, and ``n`` public actions."""
    for e in range(n):
        start = timezone.now() + timedelta(days=1)
        event = do_create_event(
            project,
            title=f"Event {offset + e}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            acting_user=None,
        )
        people = []
        for p in range(3):
            person = make_person(f"q{offset}-{e}-{p}@example.org", f"Q{offset}{e}{p}")
            Perspective.objects.create(person=person, perspective="carer")
            do_check_in(register(event, person, notify=False), acting_user=None)
            people.append(person)
        Event.objects.filter(pk=event.pk).update(
            starts_at=F("starts_at") - timedelta(days=3), ends_at=F("ends_at") - timedelta(days=3)
        )
        form = do_create_feedback_form(event, title="How was it?", acting_user=coordinator)
        overall = form.questions.get(library_key="overall")
        for person in people:
            do_submit_feedback(form, person, answers={overall.pk: "4"}, acting_user=person)
        action = make_action(title=f"Action {offset + e}", is_public=True)
        do_update_action(action, status="agreed", progress=10, note="Agreed.", acting_user=coordinator)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page", ["/outcomes/project/{p}/impact/", "/outcomes/you-said-we-did/{p}/", "/outcomes/project/{p}/"]
)
def test_pages_do_not_grow_with_rows(client, project, coordinator, make_action, page):
    do_set_public_page(project, is_published=True, acting_user=coordinator)
    client.force_login(coordinator)
    url = page.format(p=project.pk)
    grow(project, coordinator, make_action, 1, 0)
    small = queries_for(client, url)
    grow(project, coordinator, make_action, 3, 10)
    assert queries_for(client, url) == small
