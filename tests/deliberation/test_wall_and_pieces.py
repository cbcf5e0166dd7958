"""The take-home wall (one message each) and pass it on (each piece gets one addition from several others)."""

import pytest
from django.urls import reverse

from coproduce.deliberation import actions
from coproduce.deliberation.access import pieces_of
from coproduce.deliberation.actions import DeliberationError
from coproduce.deliberation.models import Piece, PieceContribution, TakeHomeMessage
from coproduce.live.models import Phase
from tests.live.factories import client_for, join, make_session, start_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def wall(live_session, facilitator):
    return start_at(live_session, Phase.Activity.TAKE_HOME, facilitator)


def test_one_take_home_message_each_and_sending_again_replaces_it(wall, facilitator):
    jo = join(wall, "Jo")
    actions.do_leave_take_home_message(wall, jo, text="Ask carers first.")
    actions.do_leave_take_home_message(wall, jo, text="Ask carers first, and listen.")
    assert list(TakeHomeMessage.objects.values_list("text", flat=True)) == ["Ask carers first, and listen."]
    message = TakeHomeMessage.objects.get()
    actions.do_set_take_home_hidden(message, hidden=True, acting_user=facilitator)
    client = client_for(jo)
    assert (
        "Ask carers first" in client.get(reverse("live:participant", args=[wall.pk])).content.decode()
    )  # own form


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please write your message before sending it."),
        ("z" * 281, "Please keep your message to 280 characters or fewer. Yours has 281."),
    ],
)
def test_take_home_messages_that_cannot_be_saved_say_why(wall, text, message):
    with pytest.raises(DeliberationError, match=message):
        actions.do_leave_take_home_message(wall, join(wall, "Jo"), text=text)


def test_the_wall_shows_messages_without_names(wall, facilitator, client):
    for name, text in [("Ann", "Plain English letters."), ("Bea", "A phone call the next day.")]:
        actions.do_leave_take_home_message(wall, join(wall, name), text=text)
    client.force_login(facilitator)
    screen = client.get(reverse("live:screen", args=[wall.pk])).content.decode()
    assert "Plain English letters." in screen and "A phone call the next day." in screen
    wall_html = screen.split('id="take-home-wall"')[1].split("</div>")[0]
    assert "Ann" not in wall_html and "Bea" not in wall_html


def test_a_take_home_message_by_plain_post(wall):
    client = client_for(join(wall, "Jo"))
    response = client.post(
        reverse("deliberation:take_home", args=[wall.pk]), {"text": "Keep talking."}, follow=True
    )
    assert b"Your message is on the wall." in response.content
    assert TakeHomeMessage.objects.get().text == "Keep talking."


@pytest.fixture
def circle(event, facilitator):
    session = make_session(event, facilitator, format_key="pass_it_on", title="Pass it on")
    phase = session.phases.get(activity=Phase.Activity.PASS_IT_ON)
    phase.additions_per_piece = 2
    phase.save()
    return start_at(session, Phase.Activity.PASS_IT_ON, facilitator)


def test_every_piece_gets_one_addition_from_each_of_several_others(circle):
    people = [join(circle, name) for name in ("Ann", "Bea", "Cal", "Dev")]
    for person in people:
        actions.do_start_piece(circle, person, text=f"{person.badge_name} starts: good support is")
    # Everyone keeps adding to whatever is passed to them until nothing is left.
    for _round in range(4):
        for person in people:
            piece = actions.do_take_next_piece(circle, person)
            if piece is not None:
                actions.do_add_to_piece(
                    circle, person, piece_id=piece.pk, text=f"{person.badge_name} adds a line"
                )
    for piece in Piece.objects.all():
        contributors = list(
            piece.contributions.order_by("position").values_list("participant__badge_name", flat=True)
        )
        assert len(contributors) == 3  # the start and two additions
        assert len(set(contributors)) == 3  # from three different people, the starter only once
    assert all(item["complete"] for item in pieces_of(circle))
    assert actions.do_take_next_piece(circle, people[0]) is None


def test_a_piece_passed_to_someone_is_not_passed_to_another_at_the_same_time(circle):
    ann, bea, cal = (join(circle, name) for name in ("Ann", "Bea", "Cal"))
    actions.do_start_piece(circle, ann, text="A start")
    held = actions.do_take_next_piece(circle, bea)
    assert held is not None
    assert actions.do_take_next_piece(circle, cal) is None
    with pytest.raises(DeliberationError, match="Someone else is adding to that piece just now."):
        actions.do_add_to_piece(circle, cal, piece_id=held.pk, text="Me too")
    assert actions.do_take_next_piece(circle, bea) == held  # coming back (a reload) gives the same piece
    actions.do_take_next_piece(circle, bea, skip=held.pk)  # "pass me a different piece"
    assert actions.do_take_next_piece(circle, cal) == held


def test_pieces_refuse_what_breaks_the_rules(circle):
    ann, bea = join(circle, "Ann"), join(circle, "Bea")
    piece = actions.do_start_piece(circle, ann, text="A start")
    with pytest.raises(DeliberationError, match="You have already started a piece."):
        actions.do_start_piece(circle, ann, text="Another start")
    with pytest.raises(DeliberationError, match="You have already added to that piece."):
        actions.do_add_to_piece(circle, ann, piece_id=piece.pk, text="My own again")
    with pytest.raises(DeliberationError, match="Please write your addition before sending it."):
        actions.do_add_to_piece(circle, bea, piece_id=piece.pk, text=" ")
    assert PieceContribution.objects.count() == 1


def test_pass_it_on_by_plain_post(circle):
    ann, bea = join(circle, "Ann"), join(circle, "Bea")
    url = reverse("deliberation:piece", args=[circle.pk])
    client_for(ann).post(url, {"what": "start", "text": "Kindness at the door"})
    page = client_for(bea).get(reverse("live:participant", args=[circle.pk])).content.decode()
    assert "Start a piece" in page  # Bea has not started one yet
    client_for(bea).post(url, {"what": "start", "text": "A chair for carers"})
    page = client_for(bea).get(reverse("live:participant", args=[circle.pk])).content.decode()
    assert "A piece passed to you" in page and "Kindness at the door" in page
    piece = Piece.objects.get(started_by=ann)
    response = client_for(bea).post(
        url, {"what": "add", "piece": piece.pk, "text": "and a smile"}, follow=True
    )
    assert b"Added. Here is the next piece." in response.content
    assert list(piece.contributions.values_list("text", flat=True)) == ["Kindness at the door", "and a smile"]
