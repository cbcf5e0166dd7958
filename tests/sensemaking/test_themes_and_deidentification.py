"""Themes ordered without dragging.

Quotes are de-identified from the register, logged, and signed off before leaving.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.sensemaking.actions.exchange import do_export_quotes, exportable_quotes
from coproduce.sensemaking.actions.themes import (
    deidentify,
    do_add_identifier,
    do_attach_quote,
    do_create_theme,
    do_deidentify_quote,
    do_sign_off_quote,
)
from coproduce.sensemaking.errors import SensemakingError
from coproduce.sensemaking.models import Audience, ConsentUse, ReplacementLog, Theme

from .conftest import add_text_source, span_of

pytestmark = pytest.mark.django_db


def test_themes_move_up_and_down_with_buttons(client, project, member):
    for name in ("Waiting", "Kindness", "Being believed"):
        do_create_theme(project, name=name, acting_user=member)
    client.force_login(member)
    kindness = Theme.objects.get(name="Kindness")
    client.post(reverse("sensemaking:move_theme", args=[project.pk, kindness.pk]), {"direction": "up"})
    assert list(Theme.objects.filter(project=project).values_list("name", flat=True)) == [
        "Kindness",
        "Waiting",
        "Being believed",
    ]
    client.post(
        reverse("sensemaking:move_theme", args=[project.pk, kindness.pk]), {"direction": "up"}
    )  # already first
    client.post(reverse("sensemaking:move_theme", args=[project.pk, kindness.pk]), {"direction": "down"})
    client.post(reverse("sensemaking:move_theme", args=[project.pk, kindness.pk]), {"direction": "down"})
    assert list(Theme.objects.filter(project=project).values_list("name", flat=True)) == [
        "Waiting",
        "Being believed",
        "Kindness",
    ]
    page = client.get(reverse("sensemaking:themes", args=[project.pk])).content.decode()
    assert page.count("Move up") == 2 and page.count("Move down") == 2


def test_deidentify_replaces_whole_words_any_case_longest_first():
    text, counts = deidentify(
        "Joe met Joanne at Ward 7; joe said WARD 7 was loud.",
        [("Joe", "[a nurse]"), ("Ward 7", "[the ward]"), ("Joanne", "Pat")],
    )
    assert text == "[a nurse] met Pat at [the ward]; [a nurse] said [the ward] was loud."
    assert counts == [2, 2, 1]
    # A replacement is never itself replaced.
    assert deidentify("Sam and Alex", [("Sam", "Alex"), ("Alex", "Sam")])[0] == "Alex and Sam"


@pytest.fixture
def quote(project, coordinator, narrator):
    source = add_text_source(
        project,
        coordinator,
        narrator_person=narrator,
        use=ConsentUse.PSEUDONYM,
        audiences=("team", "partners"),
        pseudonym="Robin",
    )
    speaker = source.speakers.get(label="Maya")
    speaker.pseudonym = "Robin"
    speaker.save()
    theme = do_create_theme(project, name="Kindness", audience=Audience.PARTNERS, acting_user=coordinator)
    start, end = span_of(source, "Maya: A nurse called Joe was kind.")
    return do_attach_quote(theme, source, start=start, end=end, acting_user=coordinator)


def test_register_is_for_coordinators_only(client, project, member, facilitator, coordinator, outsider):
    for person in (member, facilitator, outsider):
        client.force_login(person)
        assert client.get(reverse("sensemaking:register", args=[project.pk])).status_code == 404
        assert (
            client.post(
                reverse("sensemaking:register", args=[project.pk]),
                {"term": "Joe", "replacement": "[a nurse]"},
            ).status_code
            == 404
        )
    client.force_login(coordinator)
    assert (
        client.post(
            reverse("sensemaking:register", args=[project.pk]), {"term": "Joe", "replacement": "[a nurse]"}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("sensemaking:register", args=[project.pk]), {"term": "joe", "replacement": "x"}
    )
    assert "This name or detail is already in the register." in response.content.decode()


def test_a_quote_is_deidentified_logged_and_signed_off_before_it_can_leave(
    client, project, coordinator, member, quote
):
    do_add_identifier(project, term="Joe", replacement="[a nurse]", acting_user=coordinator)
    # Not yet signed off: it cannot leave the project.
    assert exportable_quotes(project, Audience.PARTNERS) == []
    with pytest.raises(SensemakingError, match="De-identify this quote before signing it off."):
        do_sign_off_quote(quote, acting_user=coordinator)

    # Only a coordinator may de-identify or sign off.
    client.force_login(member)
    assert (
        client.post(
            reverse("sensemaking:quote_action", args=[project.pk, quote.pk]), {"action": "deidentify"}
        ).status_code
        == 404
    )
    client.force_login(coordinator)
    client.post(reverse("sensemaking:quote_action", args=[project.pk, quote.pk]), {"action": "deidentify"})
    quote.refresh_from_db()
    assert quote.deidentified_text == "Robin: A nurse called [a nurse] was kind."
    assert sorted(ReplacementLog.objects.values_list("replacement", "count")) == [
        ("Robin", 1),
        ("[a nurse]", 1),
    ]

    client.post(reverse("sensemaking:quote_action", args=[project.pk, quote.pk]), {"action": "sign_off"})
    quote.refresh_from_db()
    assert quote.signed_off_by == coordinator
    assert exportable_quotes(project, Audience.PARTNERS) == [quote]
    data = do_export_quotes(project, Audience.PARTNERS, "csv", acting_user=coordinator).decode("utf-8-sig")
    assert "Robin: A nurse called [a nurse] was kind." in data and "Joe" not in data
    assert ",Robin," in data  # attributed with the pseudonym the narrator chose

    # Changing the wording clears the sign-off: the new wording needs reviewing.
    client.post(
        reverse("sensemaking:quote_action", args=[project.pk, quote.pk]),
        {"action": "reword", "text": "Robin: A nurse was kind."},
    )
    quote.refresh_from_db()
    assert quote.signed_off_at is None
    assert exportable_quotes(project, Audience.PARTNERS) == []


def test_quotes_for_one_audience_do_not_leak_into_anothers_export(project, coordinator, quote):
    do_deidentify_quote(quote, acting_user=coordinator)
    do_sign_off_quote(quote, acting_user=coordinator)
    assert exportable_quotes(project, Audience.PUBLIC) == []
    assert exportable_quotes(project, Audience.TEAM) == []
    assert exportable_quotes(project, Audience.PARTNERS) == [quote]


def test_quotes_move_within_a_theme(client, project, coordinator, narrator):
    source = add_text_source(project, coordinator, narrator_person=narrator)
    theme = do_create_theme(project, name="Night", audience=Audience.TEAM, acting_user=coordinator)
    first = do_attach_quote(theme, source, start=0, end=11, acting_user=coordinator)
    second = do_attach_quote(theme, source, start=20, end=30, acting_user=coordinator)
    client.force_login(coordinator)
    client.post(reverse("sensemaking:quote_action", args=[project.pk, second.pk]), {"action": "up"})
    assert list(theme.quotes.values_list("pk", flat=True)) == [second.pk, first.pk]
