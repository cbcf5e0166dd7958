"""The demo shows actions in every status, linked to the demo's real statements, messages and quote."""

from __future__ import annotations

import pytest

from coproduce.demo import STEPS, ensure_demo_data
from coproduce.outcomes.models import Action, ActionSource, FeedbackResponse, Notice

pytestmark = pytest.mark.django_db


def test_the_outcomes_step_runs_after_live_and_sensemaking():
    assert STEPS.index("coproduce.demo.outcomes") > STEPS.index("coproduce.demo.live")
    assert STEPS.index("coproduce.demo.outcomes") > STEPS.index("coproduce.demo.sensemaking")


def test_demo_actions_cover_every_status_and_close_the_loop(client, mailoutbox):
    ensure_demo_data()
    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert set(ActionSource.objects.values_list("kind", flat=True)) == {
        "statement",
        "take_home",
        "quote",
        "theme",
    }
    assert Notice.objects.exists()
    assert FeedbackResponse.objects.count() == 3
    assert not [m for m in mailoutbox if "What happened to what you said" in m.subject]

    from coproduce.people.models import Person

    client.force_login(Person.objects.get(email="grace@example.org"))
    mine = client.get("/outcomes/mine/").content.decode()
    assert "Call handlers trained to slow down and listen" in mine
    assert "Every call handler has now done the training." in mine
    project = Action.objects.first().project
    public = client.get(f"/outcomes/you-said-we-did/{project.pk}/").content.decode()
    assert "A single phone number for every crisis service" in public
    assert "NHS 111 now has a mental health option" in public
    assert "<figcaption>Robin</figcaption>" in public
    assert "Peer workers in every crisis team" not in public
