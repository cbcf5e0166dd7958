"""A person's outcomes in their data download, and what erasure removes."""

from __future__ import annotations

import pytest

from coproduce.outcomes.actions import do_submit_feedback, do_update_action
from coproduce.outcomes.models import ActionContributor, FeedbackResponse, Notice
from coproduce.people.actions import do_erase_person
from coproduce.people.data_rights import export_person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(said, make_action, coordinator, member, live_session):
    from coproduce.outcomes.actions import do_create_feedback_form

    action = make_action(links=[("statement", said.statement.pk)])
    do_update_action(action, status="agreed", progress=0, acting_user=coordinator, send_email=False)
    form = do_create_feedback_form(live_session.event, title="How was it?", acting_user=coordinator)
    overall = form.questions.get(library_key="best_aspects")
    do_submit_feedback(form, member, answers={overall.pk: "The tea."}, acting_user=member)
    return action


def test_the_download_has_the_actions_and_feedback(member, history):
    data = export_person_data(member)["outcomes"]
    assert data["actions_from_what_you_said"][0]["action"] == "Discharge letters give the day and time"
    assert data["actions_from_what_you_said"][0]["status"] == "Agreed"
    assert data["updates_you_were_told_of"] == 1
    assert data["feedback_answers"][0]["answer"] == "The tea."


def test_erasure_removes_the_person_from_actions_and_their_named_feedback(member, history):
    counts = do_erase_person(member, acting_user=member)
    assert counts["outcomes.contributions"] == 1
    assert not ActionContributor.objects.exists()
    assert not Notice.objects.exists()
    assert not FeedbackResponse.objects.exists()
    history.refresh_from_db()
    assert history.title == "Discharge letters give the day and time"
