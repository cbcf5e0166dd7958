"""A feedback form's written answers sent into sense-making as a source: only the answers of people who
said yes to "May the team analyse your words?", never named, each once; coordinators only."""

from __future__ import annotations

import re

import pytest

from coproduce.outcomes.actions import (
    OutcomesError,
    do_create_feedback_form,
    do_send_feedback_to_sensemaking,
    do_submit_feedback,
)
from coproduce.outcomes.models import FeedbackResponse
from coproduce.partnerships.models import Membership
from coproduce.sensemaking.models import Audience, ConsentUse, Source
from tests.conftest import make_person
from tests.events.conftest import make_event  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback(make_event, project, coordinator):  # noqa: F811
    workshop = make_event(project, title="Listening to carers", capacity=10)
    return do_create_feedback_form(workshop, title="How was Listening to carers?", acting_user=coordinator)


def answers_for(form, **by_key):
    return {q.pk: by_key.get(q.library_key, "") for q in form.questions.all()}


def test_only_consented_written_answers_arrive_unnamed_and_once(
    client, feedback, coordinator, member, facilitator
):
    questions = {q.library_key: q for q in feedback.questions.all()}
    # Jo says yes on the page.
    client.force_login(member)
    page = client.get(f"/outcomes/feedback/{feedback.pk}/respond/").content.decode()
    assert "May the team analyse your words?" in page
    client.post(
        f"/outcomes/feedback/{feedback.pk}/respond/",
        {
            f"q{questions['overall'].pk}": "5",
            f"q{questions['best_aspects'].pk}": "Being listened to by the ward manager.",
            f"q{questions['could_be_better'].pk}": "Start later: the buses are slow.",
            "may_analyse": "yes",
        },
    )
    assert FeedbackResponse.objects.get(person=member).may_analyse is True
    # Robin does not answer the consent question: that is a no.
    do_submit_feedback(
        feedback,
        facilitator,
        answers=answers_for(feedback, what_changed="Robin's private thoughts about the day."),
        acting_user=facilitator,
    )
    # Ash says yes but wrote nothing: there is nothing of theirs to send.
    ash = make_person("ash@example.org", "Ash")
    Membership.objects.create(project=feedback.project, person=ash, role=Membership.Role.MEMBER)
    do_submit_feedback(
        feedback, ash, answers=answers_for(feedback, overall="2"), may_analyse=True, acting_user=ash
    )

    client.force_login(coordinator)
    results = client.get(f"/outcomes/feedback/{feedback.pk}/results/").content.decode()
    assert "Send to sense-making" in results
    response = client.post(f"/outcomes/feedback/{feedback.pk}/to-sensemaking/", follow=True)
    assert (
        "The written answers people agreed to share are now a source in sense-making: "
        "Feedback: How was Listening to carers?." in response.content.decode()
    )
    source = Source.objects.get()
    assert source.project_id == feedback.project_id
    assert source.kind == Source.Kind.RESPONSES
    assert source.text == "Being listened to by the ward manager.\n\nStart later: the buses are slow."
    assert [s.attributes for s in source.segments.order_by("index")] == [
        {"Question": "What were the best things about it?"},
        {"Question": "What could be better?"},
    ]
    # Nobody is named: no narrator, no speakers, and the answers carry only their question.
    assert source.narrator_person is None and source.narrator_name == "" and not source.speakers.exists()
    assert not re.search(r"\b(Jo|Robin|Ash)\b", source.text)
    # What they agreed to: analysis by the team, no quotes.
    assert source.consent_use == ConsentUse.ANALYSIS_ONLY
    assert source.consent_audiences == [Audience.TEAM]

    # Sending again adds nothing: each answer goes once.
    response = client.post(f"/outcomes/feedback/{feedback.pk}/to-sensemaking/", follow=True)
    assert (
        "No written answers can be sent: nobody who agreed to it has written an answer yet."
        in response.content.decode()
    )
    assert Source.objects.count() == 1


def test_an_anonymous_form_asks_too_and_no_is_the_default(client, feedback, project, coordinator, member):
    form = do_create_feedback_form(
        feedback.event, title="Anonymous", is_anonymous=True, acting_user=coordinator
    )
    client.force_login(member)
    page = client.get(f"/outcomes/feedback/{form.pk}/respond/").content.decode()
    assert "May the team analyse your words?" in page
    assert re.search(r'<input type="radio" name="may_analyse" value="no"[^>]*checked', page)
    do_submit_feedback(
        form, member, answers=answers_for(form, what_changed="I spoke up."), acting_user=member
    )
    with pytest.raises(OutcomesError, match="No written answers can be sent"):
        do_send_feedback_to_sensemaking(form, acting_user=coordinator)
    assert not Source.objects.exists()


@pytest.mark.parametrize("who", ["facilitator", "member", "outsider", "other_member"])
def test_only_coordinators_send_answers_to_sense_making(client, feedback, who, request):
    person = request.getfixturevalue(who)
    do_submit_feedback(
        feedback,
        request.getfixturevalue("member") if who != "member" else person,
        answers=answers_for(feedback, best_aspects="The tea."),
        may_analyse=True,
        acting_user=None,
    )
    client.force_login(person)
    if who == "facilitator":  # sees the results, but not the way to send them
        results = client.get(f"/outcomes/feedback/{feedback.pk}/results/").content.decode()
        assert "The tea." in results and "Send to sense-making" not in results
    assert client.post(f"/outcomes/feedback/{feedback.pk}/to-sensemaking/").status_code == 404
    assert not Source.objects.exists()
    assert FeedbackResponse.objects.get().sent_for_analysis_at is None
