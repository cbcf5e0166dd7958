"""The Easy Read form: one question per screen, a picture beside each answer, works without JavaScript."""

from __future__ import annotations

import pytest

from coproduce.outcomes.actions import do_add_feedback_question, do_create_feedback_form
from coproduce.outcomes.models import FeedbackAnswer, FeedbackInvitation
from tests.events.conftest import make_event  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback(make_event, project, coordinator):  # noqa: F811
    event = make_event(project, title="Listening to carers")
    form = do_create_feedback_form(
        event,
        title="How was it?",
        library_keys=["overall", "come_again", "best_aspects"],
        acting_user=coordinator,
    )
    return form


def test_one_question_per_screen_with_pictures_then_all_answers_are_sent_together(client, member, feedback):
    url = f"/outcomes/feedback/{feedback.pk}/easy-read/"
    client.force_login(member)
    first = client.get(url).content.decode()
    assert "Question 1 of 3" in first
    assert "<h1>How was it for you?</h1>" in first
    assert first.count('class="picture" aria-hidden="true"') == 5
    assert "Very good" in first and "Will you come again?" not in first
    overall, again, best = feedback.questions.order_by("position")

    response = client.post(url, {"step": "1", f"q{overall.pk}": "5"})
    assert response["Location"] == f"{url}?step=2"
    second = client.get(response["Location"]).content.decode()
    assert "Question 2 of 3" in second and "Will you come again?" in second
    assert second.count('class="picture" aria-hidden="true"') == 3  # yes, maybe, no
    response = client.post(url, {"step": "2", f"q{again.pk}": "Perhaps"})
    assert "Select a valid choice." in response.content.decode()
    client.post(url, {"step": "2", f"q{again.pk}": "Maybe"})
    # Going back keeps what was chosen.
    assert 'value="5" checked' in client.get(f"{url}?step=1").content.decode()
    assert not FeedbackAnswer.objects.exists()  # nothing is kept until the end

    third = client.get(f"{url}?step=3").content.decode()
    assert '<h1><label for="easy-read-text">What was good?</label></h1>' in third
    assert "Send my answers" in third
    done = client.post(url, {"step": "3", f"q{best.pk}": "The tea and the people."}).content.decode()
    assert "We got your answers." in done
    assert set(FeedbackAnswer.objects.values_list("rating", "choice", "text")) == {
        (5, "", ""),
        (None, "Maybe", ""),
        (None, "", "The tea and the people."),
    }
    assert FeedbackInvitation.objects.get(form=feedback, person=member).responded_at is not None
    assert "You told us already." in client.get(url).content.decode()


def test_skipping_every_question_asks_for_one_answer(client, member, feedback):
    url = f"/outcomes/feedback/{feedback.pk}/easy-read/"
    client.force_login(member)
    client.post(url, {"step": "1"})
    client.post(url, {"step": "2"})
    page = client.post(url, {"step": "3"}).content.decode()
    assert "Answer at least one question." in page
    assert not FeedbackAnswer.objects.exists()


def test_own_choice_questions_get_a_plain_picture(client, member, feedback, coordinator):
    do_add_feedback_question(
        feedback,
        kind="choice",
        text="Which time suits you?",
        choices=["Morning", "Evening"],
        acting_user=coordinator,
    )
    client.force_login(member)
    page = client.get(f"/outcomes/feedback/{feedback.pk}/easy-read/?step=4").content.decode()
    assert "<h1>Which time suits you?</h1>" in page
    assert page.count('class="picture" aria-hidden="true"') == 2
    assert "Question 4 of 4" in page
