"""What the map may say: no group small enough to show someone's votes, no map before enough people
have voted, "agreed in every group" only for what every group agrees with, and one stability figure.

Items 4 and 5 of "Keep every promise the pages make".
"""

import io
import random
import re
import zipfile

import pytest
from django.urls import reverse

from coproduce.deliberation import actions
from coproduce.deliberation.map_refresh import current_map
from coproduce.live.actions import do_advance_phase, do_finish_session
from coproduce.live.models import Phase
from tests.live.factories import fresh, join, start_at

pytestmark = pytest.mark.django_db

STATEMENTS = [
    "Everyone leaving hospital should know who to call.",
    "Discharge should wait until a carer can be there.",
    "People should be able to go home as soon as they are medically fit.",
    "Parking at the hospital should be free.",
]
NAMES = ["Ann", "Bea", "Cal", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jay", "Kim", "Lou", "Max", "Ned"]


def voted(session, facilitator, how, people: int, *, map_seen_after: int | None = None):
    """A session in its statements phase where person ``i`` votes ``how(i, statement index)``;
    ``map_seen_after``: the map is looked at (and so worked out) once that many people have voted."""
    session = start_at(session, Phase.Activity.STATEMENTS, facilitator)
    statements = [actions.do_add_seed_statement(session, text=t, acting_user=facilitator) for t in STATEMENTS]
    for i in range(people):
        if i == map_seen_after:
            current_map(fresh(session), max_age=0)
        person = join(session, NAMES[i])
        for index, statement in enumerate(statements):
            actions.do_cast_vote(session, person, statement_id=statement.pk, value=how(i, index))
    return fresh(session)


def _page(client, name, session) -> str:
    return client.get(reverse(name, args=[session.pk])).content.decode()


def _pages(client, session) -> dict[str, str]:
    return {
        "screen": _page(client, "live:screen", session),
        "text": _page(client, "deliberation:map_text", session),
    }


def one_against_six(i, index):
    """Six people agree with the first three statements and not the last; one person the opposite."""
    agrees = index < 3
    if i == 6:
        agrees = not agrees
    return "agree" if agrees else "disagree"


def test_a_group_too_small_to_keep_votes_private_has_no_summary(live_session, facilitator, client):
    session = voted(live_session, facilitator, one_against_six, 7)
    client.force_login(facilitator)
    for name, page in _pages(client, session).items():
        assert "Group B: fewer than 3 people" in page or "Group B (fewer than 3 people)" in page, name
        assert (
            "What this group thinks is not shown: with fewer than 3 people in it, it could show how "
            "someone voted."
        ) in page, name
        assert "1 person" not in page and "100% disagree" not in page, name
        assert "Group A: 6 people" in page or "Group A (6 people)" in page, name


def test_the_smallest_group_shown_is_a_setting(live_session, facilitator, client, settings):
    settings.COPRODUCE_MIN_GROUP_SIZE = 1
    session = voted(live_session, facilitator, one_against_six, 7)
    client.force_login(facilitator)
    assert "Group B: 1 person" in _page(client, "live:screen", session)


def test_the_map_waits_until_seven_people_have_voted_and_says_why(live_session, facilitator, client):
    session = voted(live_session, facilitator, lambda i, index: "agree" if (i + index) % 2 else "disagree", 6)
    client.force_login(facilitator)
    message = (
        "The map of groups appears once at least 7 people have voted on 2 or more statements. "
        "With fewer, a group could be so small that it shows how someone voted. So far 6 people have voted."
    )
    for name, page in _pages(client, session).items():
        assert message in page, name
        assert "Group A" not in page, name


def test_the_number_of_voters_for_a_map_is_a_setting(live_session, facilitator, client, settings):
    settings.COPRODUCE_MIN_VOTERS_FOR_MAP = 5
    session = voted(live_session, facilitator, lambda i, index: "agree" if (i + index) % 2 else "disagree", 6)
    client.force_login(facilitator)
    assert "Group A" in _page(client, "live:screen", session)


def mostly_passing(i, index):
    """Eight people who pass on almost everything: nothing is agreed, in any group."""
    if index == 0 and i % 3 == 0:
        return "agree"
    if index == 3 and i == 0:
        return "disagree"
    return "pass"


def test_nothing_is_agreed_in_every_group_when_everybody_passed(live_session, facilitator, client):
    session = voted(live_session, facilitator, mostly_passing, 8)
    client.force_login(facilitator)
    pages = _pages(client, session)
    assert "No statement has broad agreement yet." in pages["screen"]
    for name, page in pages.items():
        assert "Group A" in page, name  # the map is there...
        assert "0% " not in page.replace("100% ", ""), name  # ...and never says "0% disagree"
        for text in STATEMENTS:
            assert f"&ldquo;{text}&rdquo; <span" not in page, name  # nothing listed as agreed in every group
    assert "<p>None yet.</p>" in pages["text"].split("<h3>Agreed in every group</h3>")[1].split("<h3>")[0]


def two_camps_and_common_ground(i, index):
    """Two camps of seven (two people in each sometimes break ranks) who all agree with statement 0;
    statement 3 is agreed by one camp and rejected by the other to a person."""
    camp = i % 2
    if index == 0:
        return "agree" if i != 13 else "pass"
    if index == 3:
        return "agree" if camp == 0 else "disagree"
    side = "agree" if (index + camp) % 2 else "disagree"
    if i in (2, 5) and index == 1:
        side = "pass"
    return side


def test_agreed_in_every_group_lists_only_what_a_majority_of_every_group_agrees_with(
    live_session, facilitator, client
):
    session = voted(live_session, facilitator, two_camps_and_common_ground, 14)
    client.force_login(facilitator)
    pages = _pages(client, session)
    section = pages["screen"].split("Agreed in every group")[1].split("</ul>")[0]
    assert STATEMENTS[0] in section
    for text in STATEMENTS[1:]:  # the camps split on these; one camp rejected statement 3 outright
        assert text not in section
    text_section = pages["text"].split("<h3>Agreed in every group</h3>")[1].split("</ul>")[0]
    assert STATEMENTS[0] in text_section and STATEMENTS[3] not in text_section


_DRAW = random.Random(1)
SCATTERED = [[_DRAW.choice(["agree", "agree", "disagree", "pass"]) for _ in range(4)] for _ in range(14)]


def scattered(i, index):
    """Fourteen people voting every which way: three loose groups, neither solid nor noise."""
    return SCATTERED[i][index]


def _outcomes_and_analyse(session, facilitator, client, tmp_path, capsys) -> tuple[str, str]:
    from coproduce.cli import main

    session = fresh(
        do_finish_session(do_advance_phase(session, acting_user=facilitator), acting_user=facilitator)
    )
    client.force_login(facilitator)
    page = _page(client, "deliberation:outcomes", session)
    response = client.get(reverse("deliberation:export", args=[session.pk, "polis-export.zip"]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    assert main(["analyse", str(tmp_path)]) == 0
    return page, capsys.readouterr().out


def test_the_outcomes_page_shows_the_stability_coproduce_analyse_prints(
    live_session, facilitator, client, tmp_path, capsys
):
    # The map seen part-way estimates stability from 10 people; the outcomes page must not carry it over.
    session = voted(live_session, facilitator, scattered, 14, map_seen_after=10)
    page, report = _outcomes_and_analyse(session, facilitator, client, tmp_path, capsys)
    shown = re.search(r"Stability at the end: (\d+)%", page)
    printed = re.search(r"^Stability: (\d+)% — ", report, re.MULTILINE)
    assert shown and printed and shown.group(1) == printed.group(1)
    assert 0 < int(shown.group(1)) < 100  # a figure that could have come out otherwise
    assert "Opinion groups: 3" in report and "formed 3 groups" in page


def test_the_outcomes_page_lists_what_coproduce_analyse_finds_agreed_in_every_group(
    live_session, facilitator, client, tmp_path, capsys
):
    session = voted(live_session, facilitator, two_camps_and_common_ground, 14)
    page, report = _outcomes_and_analyse(session, facilitator, client, tmp_path, capsys)
    agreed = page.split("<h3>Agreed in every group</h3>")[1].split("</ul>")[0]
    printed = report.split("Agreed in every group")[1].split("Bridging statements")[0]
    for text in STATEMENTS:
        assert (text in agreed) == (text in printed) == (text == STATEMENTS[0]), text
