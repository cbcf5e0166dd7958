"""The live map from the engine, its text version, the outcomes page and the exports."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from coproduce.deliberation import actions
from coproduce.deliberation.map_refresh import current_map
from coproduce.deliberation.models import OpinionMapSnapshot, Statement
from coproduce.deliberation.opinion_maps import compute_opinion_map, fingerprint
from coproduce.engine.opinion import OpinionDataError, OpinionMap
from coproduce.live.actions import do_advance_phase, do_finish_session
from coproduce.live.models import Phase
from tests.live.factories import fresh, join, start_at

pytestmark = pytest.mark.django_db

COMMON = "Everyone leaving hospital should know who to call."
CAMP_A = [
    "Discharge should wait until a carer can be there.",
    "Family meetings should happen before discharge.",
]
CAMP_B = [
    "People should be able to go home as soon as they are medically fit.",
    "Waiting in a bed makes people worse.",
]
NAMES = ["Ann", "Bea", "Cal", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jay", "Kim", "Lou"]


@pytest.fixture
def debated(live_session, facilitator):
    """Twelve people in two camps who all agree on one thing."""
    session = start_at(live_session, Phase.Activity.STATEMENTS, facilitator)
    statements = {
        text: actions.do_add_seed_statement(session, text=text, acting_user=facilitator)
        for text in [COMMON, *CAMP_A, *CAMP_B]
    }
    for index, name in enumerate(NAMES):
        person = join(session, name)
        mine, theirs = (CAMP_A, CAMP_B) if index % 2 == 0 else (CAMP_B, CAMP_A)
        actions.do_cast_vote(session, person, statement_id=statements[COMMON].pk, value="agree")
        for text in mine:
            actions.do_cast_vote(session, person, statement_id=statements[text].pk, value="agree")
        for text in theirs:
            actions.do_cast_vote(session, person, statement_id=statements[text].pk, value="disagree")
    return fresh(session)


def test_the_map_finds_the_two_camps_and_their_common_ground(debated):
    data = compute_opinion_map(debated.pk)
    assert data["ready"] and data["votes"] == 60 and data["voters"] == 12
    assert [g["size"] for g in data["groups"]] == [6, 6]
    texts = dict(Statement.objects.values_list("pk", "text"))
    believed = [{texts[b["id"]] for b in g["believes"] if b["direction"] == "agree"} for g in data["groups"]]
    assert sorted(map(sorted, believed)) == sorted([sorted(CAMP_A), sorted(CAMP_B)])
    assert COMMON in {texts[c["id"]] for c in data["consensus"] if c["direction"] == "agree"}
    assert all(
        b["percent"] == 100 for g in data["groups"] for b in g["believes"] if b["direction"] == "agree"
    )
    assert len(data["points"]) == data["clustered"] == 12
    assert 0 <= data["stability"] <= 1
    assert set(data["priority"]) == {str(pk) for pk in texts}


def test_too_few_votes_say_when_the_map_will_appear(live_session, facilitator):
    session = start_at(live_session, Phase.Activity.STATEMENTS, facilitator)
    statement = actions.do_add_seed_statement(session, text=COMMON, acting_user=facilitator)
    actions.do_cast_vote(session, join(session, "Ann"), statement_id=statement.pk, value="agree")
    data = compute_opinion_map(session.pk)
    assert not data["ready"] and data["needs_voters"] == 7  # the page says why (see test_map_promises.py)


def test_votes_the_engine_cannot_analyse_yet_ask_for_more_voting(debated, monkeypatch):
    def cannot(self, *args, **kwargs):
        raise OpinionDataError("every participant passed on every statement")

    monkeypatch.setattr(OpinionMap, "fit", cannot)
    data = compute_opinion_map(debated.pk)
    assert not data["ready"] and data["votes"] == 60
    assert data["message"] == "There are not enough votes yet to find groups. Keep voting!"


def test_a_bug_in_the_engine_is_not_mistaken_for_too_few_votes(debated, monkeypatch):
    def broken(self, *args, **kwargs):
        raise IndexError("index 12 is out of bounds")

    monkeypatch.setattr(OpinionMap, "fit", broken)
    with pytest.raises(IndexError):
        compute_opinion_map(debated.pk)


def test_the_map_is_recomputed_when_votes_change(debated):
    first = current_map(debated, max_age=0)
    assert first.fingerprint == fingerprint(debated.pk)
    assert current_map(debated, max_age=0) == first  # nothing changed: nothing recomputed
    statement = Statement.objects.get(text=COMMON)
    actions.do_cast_vote(debated, debated.participants.first(), statement_id=statement.pk, value="disagree")
    assert fingerprint(debated.pk) != first.fingerprint
    second = current_map(debated, max_age=0)
    assert second.fingerprint == fingerprint(debated.pk)
    assert OpinionMapSnapshot.objects.count() == 1


def test_hidden_statements_leave_the_map(debated, facilitator):
    hidden = Statement.objects.get(text=CAMP_A[0])
    actions.do_moderate_statement(hidden, decision="hide", acting_user=facilitator)
    data = current_map(debated, max_age=0).data
    shown = {b["id"] for g in data["groups"] for b in g["believes"]} | {c["id"] for c in data["consensus"]}
    assert hidden.pk not in shown


def test_the_room_screen_and_text_version_show_groups_without_names(debated, facilitator, client):
    client.force_login(facilitator)
    screen = client.get(reverse("live:screen", args=[debated.pk])).content.decode()
    assert "Group A: 6 people" in screen and "Group B: 6 people" in screen and "Common ground" in screen
    assert f"with &ldquo;{COMMON}&rdquo;" in screen
    text = client.get(reverse("deliberation:map_text", args=[debated.pk])).content.decode()
    assert f"100% of everyone agree with: {COMMON}" in text
    for name in NAMES:
        assert f">{name}<" not in screen.split('id="live-map"')[1] and name not in text.split("<main")[1]


@pytest.fixture
def finished(debated, facilitator):
    session = do_advance_phase(debated, acting_user=facilitator)
    for name, text in [("Ann", "Carers are part of the team."), ("Bea", "Say who to call.")]:
        actions.do_leave_take_home_message(
            fresh(session), session.participants.get(badge_name=name), text=text
        )
    return fresh(do_finish_session(session, acting_user=facilitator))


def test_the_outcomes_page_brings_it_together(finished, member, client):
    client.force_login(member)
    page = client.get(reverse("deliberation:outcomes", args=[finished.pk])).content.decode()
    assert "12 people took part" in page
    assert f"100% agree</strong> with &ldquo;{COMMON}&rdquo;" in page
    assert "Carers are part of the team." in page and "Say who to call." in page
    assert "Group perspectives" in page and "Polis-compatible export" in page
    for name in NAMES:
        assert name not in page.split("<main")[1]


def test_the_polis_export_reads_back_with_the_engine(finished, facilitator, client, tmp_path):
    from coproduce.engine.polis_io import read_polis_export

    client.force_login(facilitator)
    response = client.get(reverse("deliberation:export", args=[finished.pk, "polis-export.zip"]))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["comments.csv", "votes.csv"]
        archive.extractall(tmp_path)
    export = read_polis_export(tmp_path)
    assert len(export.values) == 60
    assert sorted(set(export.participant_ids.tolist())) == list(range(12))  # anonymous numbers, nobody's id
    comments = list(csv.DictReader(io.StringIO((tmp_path / "comments.csv").read_text())))
    assert {c["comment-body"] for c in comments} == {COMMON, *CAMP_A, *CAMP_B}
    assert {c["comment-body"]: c["agrees"] for c in comments}[COMMON] == "12"


def test_coproduce_analyse_reads_the_polis_export(finished, facilitator, client, tmp_path, capsys):
    from coproduce.cli import main

    client.force_login(facilitator)
    response = client.get(reverse("deliberation:export", args=[finished.pk, "polis-export.zip"]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    assert main(["analyse", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    assert COMMON in report


def test_the_statements_csv_has_totals_and_common_ground(finished, facilitator, client):
    client.force_login(facilitator)
    response = client.get(reverse("deliberation:export", args=[finished.pk, "statements.csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    common = next(r for r in rows if r["text"] == COMMON)
    assert (common["agree"], common["disagree"], common["agree_percent"], common["common_ground"]) == (
        "12",
        "0",
        "100",
        "yes",
    )
    take_home = client.get(reverse("deliberation:export", args=[finished.pk, "take-home-messages.csv"]))
    assert "Carers are part of the team." in take_home.content.decode()
    assert client.get(reverse("deliberation:export", args=[finished.pk, "nonsense.csv"])).status_code == 404


def test_who_was_in_the_conversation_stays_in_as_statements_are_added(debated, facilitator):
    first = current_map(debated, max_age=0)
    assert len(first.data["in_conversation"]) == 12  # five votes each on the five statements there were
    later = [f"Later statement {n}" for n in range(3)]
    added = [actions.do_add_seed_statement(debated, text=text, acting_user=facilitator) for text in later]
    everything = list(Statement.objects.filter(session=debated))
    for index in range(16):
        person = join(debated, f"Newcomer {index}")
        for statement in everything:
            value = "agree" if (index + statement.pk) % 2 else "disagree"
            actions.do_cast_vote(debated, person, statement_id=statement.pk, value=value)
    assert len(added) == 3 and len(everything) == 8
    # today's threshold (7 of 8 statements) alone would leave the first twelve out of the groups...
    assert compute_opinion_map(debated.pk)["clustered"] == 16
    # ...but the stored map remembers they were in, as Polis does
    second = current_map(fresh(debated), max_age=0)
    assert second.data["clustered"] == 28 and len(second.data["in_conversation"]) == 28
