"""Feedback forms: invitations after attendance (the attendance_recorded happening), one reminder,
answers (optionally anonymous), results with counts, an SVG chart and a table, and answers as the
start of an action."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coproduce.core.models import FailedHappening
from coproduce.events.actions import do_check_in
from coproduce.outcomes.actions import (
    OutcomesError,
    do_add_feedback_question,
    do_create_feedback_form,
    do_send_feedback_reminders,
    do_submit_feedback,
)
from coproduce.outcomes.models import FeedbackInvitation, FeedbackResponse
from coproduce.people.models import Person
from tests.events.conftest import make_event, register  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(make_event, project):  # noqa: F811
    return make_event(project, title="Listening to carers", capacity=10)


@pytest.fixture
def feedback(workshop, coordinator):
    return do_create_feedback_form(workshop, title="How was Listening to carers?", acting_user=coordinator)


def answers_for(form, **by_key):
    return {q.pk: by_key.get(q.library_key, "") for q in form.questions.all()}


def test_checking_in_invites_people_by_email_and_on_their_home_page(
    client, feedback, workshop, member, outsider, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=outsider.pk).update(contact_preference="post")
    outsider.refresh_from_db()
    jo = register(workshop, member, notify=False)
    kit = register(workshop, outsider, notify=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in(jo, acting_user=None)
    with django_capture_on_commit_callbacks(execute=True):
        do_check_in(kit, acting_user=None)
    assert set(FeedbackInvitation.objects.values_list("person__email", flat=True)) == {
        "member@example.org",
        "outsider@example.org",
    }
    # Only the person who chose e-mail is e-mailed; the other sees it on their home page.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["member@example.org"], "How was Listening to carers? Tell us")
    ]
    assert f"/outcomes/feedback/{feedback.pk}/respond/" in mail.outbox[0].body
    client.force_login(outsider)
    home = client.get("/").content.decode()
    assert "Tell us how it was" in home and f"/outcomes/feedback/{feedback.pk}/respond/" in home
    assert not FailedHappening.objects.exists()


def test_people_already_checked_in_are_invited_when_the_form_is_made(
    workshop, coordinator, member, django_capture_on_commit_callbacks
):
    do_check_in(register(workshop, member, notify=False), acting_user=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        form = do_create_feedback_form(workshop, title="Quick feedback", acting_user=coordinator)
    assert list(form.invitations.values_list("person", flat=True)) == [member.pk]
    assert len(mail.outbox) == 1


def test_one_reminder_at_most_and_none_after_answering(
    feedback, workshop, member, facilitator, django_capture_on_commit_callbacks
):
    for person in (member, facilitator):
        with django_capture_on_commit_callbacks(execute=True):  # the happening is delivered after commit
            do_check_in(register(workshop, person, notify=False), acting_user=None)
    do_submit_feedback(
        feedback, facilitator, answers=answers_for(feedback, overall="4"), acting_user=facilitator
    )
    mail.outbox.clear()
    later = timezone.now() + timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_send_feedback_reminders(now=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert do_send_feedback_reminders(now=later + timedelta(days=10)) == 0
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["member@example.org"], "A reminder: how was Listening to carers?")
    ]


def test_answering_through_the_page_and_the_results_count_each_answer(
    client, feedback, coordinator, member, facilitator
):
    questions = {q.library_key: q for q in feedback.questions.all()}
    client.force_login(member)
    page = client.get(f"/outcomes/feedback/{feedback.pk}/respond/").content.decode()
    assert "How was it overall?" in page and "5 – Very good" in page
    response = client.post(
        f"/outcomes/feedback/{feedback.pk}/respond/",
        {f"q{questions['overall'].pk}": "5", f"q{questions['best_aspects'].pk}": "Being listened to."},
    )
    assert "Your feedback has been sent." in response.content.decode()
    assert (
        "You have already given feedback on this."
        in client.get(f"/outcomes/feedback/{feedback.pk}/respond/").content.decode()
    )
    do_submit_feedback(
        feedback, facilitator, answers=answers_for(feedback, overall="3"), acting_user=facilitator
    )

    client.force_login(coordinator)
    results = client.get(f"/outcomes/feedback/{feedback.pk}/results/").content.decode()
    assert "2 answers. Average 4.0 out of 5." in results
    assert '<th scope="row">5 – Very good</th><td>1</td>' in results
    assert '<th scope="row">3 – OK</th><td>1</td>' in results
    assert '<th scope="row">1 – Very poor</th><td>0</td>' in results
    assert '<svg class="bar-chart" role="img"' in results and '<title id="chart-' in results
    assert "<li>Being listened to.</li>" in results
    assert not re.search(r"\b(Jo|Robin)\b", results)


def test_bad_answers_are_refused_with_a_clear_message(client, feedback, member):
    overall = feedback.questions.get(library_key="overall")
    client.force_login(member)
    response = client.post(f"/outcomes/feedback/{feedback.pk}/respond/", {f"q{overall.pk}": "9"})
    assert "Select a valid choice. 9 is not one of the available choices." in response.content.decode()
    response = client.post(f"/outcomes/feedback/{feedback.pk}/respond/", {})
    assert "Answer at least one question." in response.content.decode()
    assert not FeedbackResponse.objects.exists()


def test_an_anonymous_form_keeps_answers_without_the_person_and_they_cannot_be_told(
    workshop, coordinator, member, make_action
):
    form = do_create_feedback_form(workshop, title="Anonymous", is_anonymous=True, acting_user=coordinator)
    response = do_submit_feedback(
        form, member, answers=answers_for(form, what_changed="I spoke up."), acting_user=member
    )
    assert response.person is None
    assert FeedbackInvitation.objects.get(form=form, person=member).responded_at is not None
    with pytest.raises(OutcomesError, match="already given feedback"):
        do_submit_feedback(form, member, answers=answers_for(form, overall="2"), acting_user=member)
    answer = response.answers.get()
    action = make_action(links=[("feedback", answer.pk)])
    assert action.contributors.count() == 0


def test_a_named_answer_becomes_an_action_whose_author_is_told(feedback, member, make_action):
    response = do_submit_feedback(
        feedback,
        member,
        answers=answers_for(feedback, could_be_better="Start later: buses."),
        acting_user=member,
    )
    action = make_action(links=[("feedback", response.answers.get().pk)])
    assert list(action.contributors.values_list("person", flat=True)) == [member.pk]
    assert action.sources.get().excerpt == "Start later: buses."


def test_own_questions_with_choices(client, feedback, coordinator):
    client.force_login(coordinator)
    url = f"/outcomes/feedback/{feedback.pk}/questions/"
    response = client.post(url, {"kind": "choice", "text": "Which time suits you?", "choices": "Morning\n"})
    assert "Give between 2 and 10 choices, one on each line." in response.content.decode()
    client.post(url, {"kind": "choice", "text": "Which time suits you?", "choices": "Morning\nEvening\n"})
    question = feedback.questions.get(text="Which time suits you?")
    assert question.choices == ["Morning", "Evening"]


def test_questions_cannot_change_once_people_answered(feedback, coordinator, member):
    do_submit_feedback(feedback, member, answers=answers_for(feedback, overall="4"), acting_user=member)
    with pytest.raises(OutcomesError, match="already answered"):
        do_add_feedback_question(feedback, kind="text", text="Anything else?", acting_user=coordinator)


def test_a_closed_form_takes_no_answers(client, feedback, coordinator, member):
    client.force_login(coordinator)
    client.post(f"/outcomes/feedback/{feedback.pk}/open/", {"is_open": "no"})
    client.force_login(member)
    overall = feedback.questions.get(library_key="overall")
    response = client.post(f"/outcomes/feedback/{feedback.pk}/respond/", {f"q{overall.pk}": "4"})
    assert "This feedback form is closed." in response.content.decode()
