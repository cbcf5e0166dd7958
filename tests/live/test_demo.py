"""The demo has a finished workshop with everything in it, and one ready to start with a known code."""

import pytest
from django.urls import reverse

from coproduce.deliberation.models import OpinionMapSnapshot, Piece, TakeHomeMessage, Vote
from coproduce.demo import ensure_demo_data
from coproduce.demo.live import READY_CODE
from coproduce.live.models import LiveSession

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_finished_workshop_and_one_ready_to_join(client):
    assert ensure_demo_data() is True
    finished = LiveSession.objects.get(status=LiveSession.Status.FINISHED)
    ready = LiveSession.objects.get(join_code=READY_CODE)
    assert ready.is_ready and ready.statements.count() == 3
    assert finished.participants.count() >= 12
    assert Vote.objects.filter(session=finished).count() > 100
    data = OpinionMapSnapshot.objects.get(session=finished).data
    assert data["ready"] and len(data["groups"]) >= 2 and data["consensus"]
    assert Piece.objects.filter(session=finished).count() == 5
    assert all(p.contributions.count() == 4 for p in Piece.objects.filter(session=finished))
    assert TakeHomeMessage.objects.filter(session=finished).count() == 7
    assert finished.started_at < finished.finished_at < ready.created_at

    response = client.post(reverse("live:join"), {"code": READY_CODE.lower(), "badge_name": "Visitor"})
    assert response.status_code == 302
