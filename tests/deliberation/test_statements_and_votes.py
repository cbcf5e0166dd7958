"""Statements and votes: limits, moderation, one statement at a time, vote changes, no-JavaScript flow."""

import re

import pytest
from django.urls import reverse

from coproduce.core.models import AuditEntry
from coproduce.deliberation import actions
from coproduce.deliberation.actions import DeliberationError
from coproduce.deliberation.models import CurrentStatement, Statement, Vote
from coproduce.deliberation.selection import statement_for
from coproduce.live.actions import do_advance_phase, do_update_session_settings
from coproduce.live.models import LiveSession, Phase
from tests.live.factories import client_for, fresh, join, make_event, make_session, start_at

pytestmark = pytest.mark.django_db

TEXTS = [
    "Discharge letters should be written in plain English.",
    "Carers should be told before the day someone goes home.",
    "A named person should phone the day after discharge.",
    "Medication changes need explaining face to face.",
]


@pytest.fixture
def voting(live_session, facilitator):
    session = start_at(live_session, Phase.Activity.STATEMENTS, facilitator)
    for text in TEXTS:
        actions.do_add_seed_statement(session, text=text, acting_user=facilitator)
    return fresh(session)


@pytest.fixture
def jo(voting):
    return join(voting, "Jo")


def test_a_statement_is_shown_straight_away_when_moderation_is_automatic(voting, jo):
    statement = actions.do_submit_statement(voting, jo, text="  Nobody should leave   hospital at night. ")
    assert statement.text == "Nobody should leave hospital at night."
    assert statement.status == Statement.Status.ACCEPTED and statement.author == jo
    assert AuditEntry.objects.filter(action="statement.submitted", subject_id=str(statement.pk)).exists()


def test_a_statement_waits_for_a_facilitator_when_moderation_is_on(voting, jo, facilitator):
    do_update_session_settings(
        voting,
        title=voting.title,
        capacity=None,
        moderation=LiveSession.Moderation.FACILITATOR,
        acting_user=facilitator,
    )
    statement = actions.do_submit_statement(fresh(voting), jo, text="Nobody should leave hospital at night.")
    assert statement.status == Statement.Status.PENDING
    for _ in TEXTS:  # it is not offered for voting while it waits
        shown = statement_for(jo)
        assert shown != statement
        actions.do_cast_vote(fresh(voting), jo, statement_id=shown.pk, value="pass")
    assert statement_for(jo) is None
    actions.do_moderate_statement(statement, decision="accept", acting_user=facilitator)
    statement.refresh_from_db()
    assert statement.status == Statement.Status.ACCEPTED
    assert statement_for(jo) == statement


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please write your statement before sending it."),
        ("  \n ", "Please write your statement before sending it."),
        ("a" * 281, "Please keep your statement to 280 characters or fewer. Yours has 281."),
        (TEXTS[0].upper(), "That statement is already here, so you can vote on it instead."),
    ],
)
def test_statements_that_cannot_be_accepted_say_why(voting, jo, text, message):
    with pytest.raises(DeliberationError) as caught:
        actions.do_submit_statement(voting, jo, text=text)
    assert caught.value.message == message and caught.value.field == "text"


def test_exactly_280_characters_is_fine(voting, jo):
    assert len(actions.do_submit_statement(voting, jo, text="a" * 280).text) == 280


def test_statements_outside_the_statements_phase_are_refused_with_where_we_are(voting, jo, facilitator):
    session = fresh(do_advance_phase(voting, acting_user=facilitator))
    with pytest.raises(
        DeliberationError,
        match="That part of the session is over: we are now on "
        "\u201cTracking themes and take-home messages\u201d",
    ):
        actions.do_submit_statement(session, jo, text="Late idea")
    with pytest.raises(DeliberationError, match="Your vote was not saved."):
        actions.do_cast_vote(session, jo, statement_id=Statement.objects.first().pk, value="agree")


def test_each_person_sees_one_statement_at_a_time_until_they_have_voted_on_all(voting, jo):
    seen = []
    for _ in TEXTS:
        statement = statement_for(jo)
        assert statement_for(jo) == statement  # asking again (a reload) shows the same statement
        seen.append(statement.pk)
        actions.do_cast_vote(voting, jo, statement_id=statement.pk, value="agree")
    assert sorted(seen) == sorted(Statement.objects.values_list("pk", flat=True))
    assert statement_for(jo) is None
    assert CurrentStatement.objects.get(participant=jo).statement is None


def test_the_engine_priority_chooses_the_next_statement(voting, jo):
    from coproduce.deliberation.models import OpinionMapSnapshot

    statements = list(Statement.objects.order_by("pk"))
    favourite = statements[2]
    priority = {str(s.pk): (1000.0 if s == favourite else 1e-9) for s in statements}
    OpinionMapSnapshot.objects.create(
        session=voting, computed_at=voting.started_at, fingerprint="x", priority=priority
    )
    assert statement_for(jo) == favourite


def test_a_vote_can_be_changed_and_is_stored_once(voting, jo):
    statement = Statement.objects.first()
    actions.do_cast_vote(voting, jo, statement_id=statement.pk, value="agree")
    actions.do_cast_vote(voting, jo, statement_id=statement.pk, value="pass")
    actions.do_cast_vote(voting, jo, statement_id=str(statement.pk), value="disagree")
    assert list(Vote.objects.values_list("participant", "statement", "value")) == [(jo.pk, statement.pk, -1)]


@pytest.mark.parametrize(
    ("value", "stored"), [("agree", 1), ("disagree", -1), ("pass", 0), (1, 1), ("-1", -1)]
)
def test_vote_values(voting, jo, value, stored):
    statement = Statement.objects.first()
    actions.do_cast_vote(voting, jo, statement_id=statement.pk, value=value)
    assert Vote.objects.get().value == stored


def test_bad_votes_get_clear_messages(voting, jo, facilitator, project):
    statement = Statement.objects.first()
    with pytest.raises(DeliberationError, match="Choose agree, disagree or pass."):
        actions.do_cast_vote(voting, jo, statement_id=statement.pk, value="maybe")
    with pytest.raises(DeliberationError, match="We could not find that statement in this session."):
        actions.do_cast_vote(voting, jo, statement_id="not a number", value="agree")
    other = start_at(
        make_session(make_event(project, "Elsewhere"), facilitator), Phase.Activity.STATEMENTS, facilitator
    )
    elsewhere = actions.do_add_seed_statement(other, text="Somewhere else entirely.", acting_user=facilitator)
    with pytest.raises(DeliberationError, match="We could not find that statement in this session."):
        actions.do_cast_vote(voting, jo, statement_id=elsewhere.pk, value="agree")
    with pytest.raises(DeliberationError, match="You are not taking part in this session."):
        actions.do_cast_vote(other, jo, statement_id=elsewhere.pk, value="agree")
    actions.do_moderate_statement(statement, decision="hide", acting_user=facilitator)
    with pytest.raises(DeliberationError, match="A facilitator has taken that statement off the list"):
        actions.do_cast_vote(voting, jo, statement_id=statement.pk, value="agree")
    assert not Vote.objects.exists()


def test_hiding_a_statement_takes_it_out_of_the_queue(voting, jo, facilitator):
    current = statement_for(jo)
    actions.do_moderate_statement(current, decision="hide", acting_user=facilitator)
    assert statement_for(jo) != current
    with pytest.raises(DeliberationError, match="This statement is already hidden."):
        actions.do_moderate_statement(current, decision="hide", acting_user=facilitator)


def test_merging_a_duplicate_carries_its_votes_over(voting, facilitator):
    keep, duplicate = Statement.objects.order_by("pk")[:2]
    ann, bea = join(voting, "Ann"), join(voting, "Bea")
    actions.do_cast_vote(voting, ann, statement_id=duplicate.pk, value="agree")  # only on the duplicate
    actions.do_cast_vote(voting, bea, statement_id=duplicate.pk, value="agree")
    actions.do_cast_vote(
        voting, bea, statement_id=keep.pk, value="disagree"
    )  # voted on both: kept vote stands
    actions.do_merge_statements(duplicate, into=keep, acting_user=facilitator)
    duplicate.refresh_from_db()
    assert duplicate.status == Statement.Status.MERGED and duplicate.merged_into == keep
    assert dict(Vote.objects.filter(statement=keep).values_list("participant__badge_name", "value")) == {
        "Ann": 1,
        "Bea": -1,
    }
    with pytest.raises(DeliberationError, match="merged with a similar one"):
        actions.do_cast_vote(voting, ann, statement_id=duplicate.pk, value="agree")
    with pytest.raises(DeliberationError, match="already been merged"):
        actions.do_merge_statements(duplicate, into=keep, acting_user=facilitator)
    with pytest.raises(DeliberationError, match="Choose a different statement"):
        actions.do_merge_statements(keep, into=keep, acting_user=facilitator)


# --- without JavaScript: plain POST and redirect ----------------------------------------------------


def test_voting_by_plain_post(voting, jo):
    client = client_for(jo)
    page = client.get(reverse("live:participant", args=[voting.pk]))
    statement_id = int(page.content.decode().split('data-statement-id="')[1].split('"')[0])
    response = client.post(
        reverse("deliberation:vote", args=[voting.pk]), {"statement": statement_id, "value": "agree"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "live:participant", args=[voting.pk]
    )
    page = client.get(response["Location"])
    assert b"Vote saved." in page.content and b"You have voted on 1 of 4 statements." in page.content
    assert Vote.objects.get().value == 1


def test_a_statement_by_plain_post_and_its_error_next_to_the_field(voting, jo):
    client = client_for(jo)
    url = reverse("deliberation:submit_statement", args=[voting.pk])
    response = client.post(url, {"text": "b" * 300})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Please keep your statement to 280 characters or fewer. Yours has 300." in content
    assert 'aria-invalid="true"' in content and "b" * 300 in content  # the text is kept to shorten
    response = client.post(url, {"text": "Wards should have a discharge lounge."}, follow=True)
    assert b"Thank you. Your statement is now in the list for everyone to vote on." in response.content


def test_individual_votes_are_never_shown_to_others(voting, facilitator):
    ann, bea = join(voting, "Ann"), join(voting, "Bea")
    statement = Statement.objects.first()
    actions.do_cast_vote(voting, ann, statement_id=statement.pk, value="agree")
    actions.do_cast_vote(voting, bea, statement_id=statement.pk, value="disagree")
    bea_page = client_for(bea).get(reverse("live:participant", args=[voting.pk])).content.decode()
    assert not re.search(r"\bAnn\b", bea_page)  # as a word: a random CSRF token may contain "Ann"
    text_map = client_for(bea).get(reverse("deliberation:map_text", args=[voting.pk])).content.decode()
    assert not re.search(r"\b(Ann|Bea)\b", text_map)
    assert "1 (50%)" in text_map  # totals only
