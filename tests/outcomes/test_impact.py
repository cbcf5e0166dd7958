"""The impact report: small numbers read "fewer than 5" and cannot be worked out by subtraction."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.events.actions import do_check_in, do_create_event
from coproduce.events.models import Event
from coproduce.outcomes import suppression
from coproduce.outcomes.actions import do_create_feedback_form, do_submit_feedback
from coproduce.outcomes.models import Action
from coproduce.people.models import Perspective
from tests.conftest import make_person
from tests.events.conftest import register

THRESHOLD = 5


def consistent_values(parts, counts, total_count, key):
    """Brute force: every value the hidden part ``key`` could have, given only what is shown."""
    hidden = [k for k in parts if not counts[k].is_shown]
    ranges = {}
    for k in hidden:
        ranges[k] = range(0, THRESHOLD) if counts[k].hidden == "small" else range(THRESHOLD, THRESHOLD + 40)
    if not total_count.is_shown:
        return set(ranges[key])
    hidden_sum = total_count.value - sum(counts[k].value for k in parts if counts[k].is_shown)
    possible = set()
    for values in itertools.product(*(ranges[k] for k in hidden)):
        if sum(values) == hidden_sum:
            possible.add(dict(zip(hidden, values, strict=True))[key])
    return possible


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5))
def test_no_hidden_count_can_be_worked_out(values):
    parts = {f"part{i}": n for i, n in enumerate(values)}
    total = sum(values)
    counts, total_count = suppression.suppress_group(parts, total)
    for key, n in parts.items():
        count = counts[key]
        if count.is_shown:
            assert count.value == n and n >= THRESHOLD
        else:
            # Honest words: "fewer than 5" only for small counts, "5 or more" only for larger ones.
            assert (count.hidden == "small") == (n < THRESHOLD)
            possible = consistent_values(parts, counts, total_count, key)
            assert n in possible and len(possible) >= 2, (parts, key, possible)
    assert total_count.value in (total, None)
    if total < THRESHOLD:
        assert str(total_count) == "fewer than 5"


def test_one_small_count_is_never_left_alone_beside_its_total():
    counts, total = suppression.suppress_group({"a": 3, "b": 12, "c": 20}, 35)
    assert str(counts["a"]) == "fewer than 5"
    assert str(counts["b"]) == "5 or more (hidden so that small numbers cannot be worked out)"
    assert str(counts["c"]) == "20" and str(total) == "35"


def test_a_zero_beside_a_five_hides_the_total_too():
    counts, total = suppression.suppress_group({"a": 0, "b": 5}, 5)
    assert not counts["a"].is_shown and not counts["b"].is_shown and not total.is_shown


@pytest.fixture
def report_world(project, coordinator):
    start = timezone.now() + timedelta(days=1)
    event = do_create_event(
        project,
        title="Listening to carers",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        acting_user=None,
    )
    people = []
    # 12 with lived experience, 3 carers, 6 professionals: the carers must not be worked out.
    for i, kind in enumerate(["lived_experience"] * 12 + ["carer"] * 3 + ["professional"] * 6):
        person = make_person(f"p{i}@example.org", f"P{i}")
        Perspective.objects.create(person=person, perspective=kind)
        do_check_in(register(event, person, notify=False), acting_user=None)
        people.append(person)
    # It happened ten days ago (sign-up closes when an event starts, so it is moved back afterwards).
    Event.objects.filter(pk=event.pk).update(
        starts_at=F("starts_at") - timedelta(days=11), ends_at=F("ends_at") - timedelta(days=11)
    )
    form = do_create_feedback_form(event, title="How was it?", acting_user=coordinator)
    overall = form.questions.get(library_key="overall")
    for person, rating in zip(people, ["5"] * 8 + ["4"] * 2, strict=False):
        do_submit_feedback(form, person, answers={overall.pk: rating}, acting_user=person)
    return event


@pytest.mark.django_db
def test_the_report_page_shows_no_small_number_and_none_by_subtraction(
    client, coordinator, project, report_world
):
    client.force_login(coordinator)
    page = client.get(f"/outcomes/project/{project.pk}/impact/").content.decode()
    assert "1 event." in page and "42.0 hours of involvement" in page
    assert "People who came or took part signed in: 21." in page
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', page))
    assert rows["Lived experience of using services"] == "12"
    assert rows["Carer"] == "fewer than 5"
    assert rows["Professional (paid to work in health or social care)"] == "6"
    # 21 - 12 - 6 = 3 is shared by five parts that all read "fewer than 5" (carers, students,
    # organisations, several perspectives, did not say): the carers' 3 cannot be singled out.
    hidden = [label for label, shown in rows.items() if shown == "fewer than 5"]
    assert {
        "Carer",
        "Student",
        "Representing an organisation",
        "More than one perspective",
        "Did not say",
    } <= set(hidden)
    # Answers to "How was it overall?": 8 said 5 and 2 said 4, out of 10.
    assert rows["4 – Good"] == "fewer than 5"
    assert rows["5 – Very good"] == "8"
    # 10 - 8 = 2 is shared by the four ratings that read "fewer than 5".
    assert [rows[f"{n} – {w}"] for n, w in [(1, "Very poor"), (2, "Poor"), (3, "OK")]] == ["fewer than 5"] * 3
    assert "Feedback forms answered: 10." in page
    # Nobody was paid yet: the count is protected and no amount is shown.
    assert "People paid: fewer than 5." in page
    assert (
        "Amounts are shown when 5 or more people were paid, so that nobody's own payment can be seen." in page
    )
    # No count of people under 5 is printed as a number. (Events and actions are things, not people:
    # "1 workshop" is shown as it is.)
    things = {str(label) for _v, label in Event.Kind.choices} | {
        str(label) for _v, label in Action.Status.choices
    }
    for label, shown in rows.items():
        if label not in things:
            assert not (shown.isdigit() and int(shown) < THRESHOLD), (label, shown)


@pytest.mark.django_db
def test_a_bad_period_is_explained_next_to_the_field(client, coordinator, project):
    client.force_login(coordinator)
    page = client.get(
        f"/outcomes/project/{project.pk}/impact/?start=2026-05-01&end=2026-04-01"
    ).content.decode()
    assert "The end date must be on or after the start date." in page


@pytest.mark.django_db
def test_the_gripp2_short_form_is_drafted_from_the_figures_and_saved_as_edited(
    client, coordinator, project, report_world
):
    client.force_login(coordinator)
    url = f"/outcomes/project/{project.pk}/impact/?start=2026-01-01&end=2026-12-31"
    page = client.get(url).content.decode()
    assert "GRIPP2 short form" in page
    assert "People taking part: 21. Feedback forms answered: 10." in page
    response = client.post(
        f"/outcomes/project/{project.pk}/impact/gripp2/",
        {
            "start": "2026-01-01",
            "end": "2026-12-31",
            "aim": "To share power over discharge planning.",
            "methods": "Workshops.",
            "results": "Letters changed.",
            "discussion": "Staff listened.",
            "reflections": "We should have paid people sooner.",
        },
    )
    assert response["Location"].endswith("?start=2026-01-01&end=2026-12-31#gripp2")
    page = client.get(url).content.decode()
    assert "We should have paid people sooner." in page and "Saved on" in page
    # Another period still gets a fresh draft.
    other = client.get(
        f"/outcomes/project/{project.pk}/impact/?start=2025-01-01&end=2025-12-31"
    ).content.decode()
    assert "We should have paid people sooner." not in other
