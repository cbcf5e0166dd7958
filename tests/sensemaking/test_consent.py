"""Consent and ownership: quotes only as consent allows; narrators read, annotate, correct; history kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.sensemaking.actions.sources import ConsentDetails, do_change_consent
from coproduce.sensemaking.actions.themes import do_attach_quote, do_create_theme, do_edit_theme
from coproduce.sensemaking.errors import SensemakingError
from coproduce.sensemaking.models import Audience, ConsentUse, CorrectionRequest, Flag, Quote, SourceEvent

from .conftest import add_text_source, code_words, span_of

pytestmark = pytest.mark.django_db

WORDS = "Nobody picked up for forty minutes"


@pytest.mark.parametrize(
    "use,audiences,until,theme_audience,message",
    [
        (
            ConsentUse.ANALYSIS_ONLY,
            ("team", "partners", "public"),
            None,
            "team",
            "The narrator agreed to analysis only: their words cannot be quoted.",
        ),
        (
            ConsentUse.ANONYMOUS,
            ("team",),
            None,
            "public",
            "The narrator did not agree to quotes being shown to public reports.",
        ),
        (
            ConsentUse.PSEUDONYM,
            ("team", "partners"),
            None,
            "public",
            "The narrator did not agree to quotes being shown to public reports.",
        ),
        (
            ConsentUse.NAMED,
            ("team", "public"),
            dt.date(2020, 1, 1),
            "public",
            "The narrator's consent has run out.",
        ),
    ],
)
def test_quotes_are_refused_where_consent_does_not_allow_the_theme_audience(
    project, coordinator, narrator, use, audiences, until, theme_audience, message
):
    source = add_text_source(
        project, coordinator, narrator_person=narrator, use=use, audiences=audiences, until=until
    )
    theme = do_create_theme(project, name="Waiting", audience=theme_audience, acting_user=coordinator)
    start, end = span_of(source, WORDS)
    with pytest.raises(SensemakingError) as refused:
        do_attach_quote(theme, source, start=start, end=end, acting_user=coordinator)
    assert str(refused.value) == message
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    "use,audiences,theme_audience",
    [
        (ConsentUse.ANONYMOUS, ("team",), "team"),
        (ConsentUse.PSEUDONYM, ("team", "partners"), "partners"),
        (ConsentUse.NAMED, ("public",), "public"),
    ],
)
def test_quotes_are_attached_where_consent_allows(
    project, coordinator, narrator, use, audiences, theme_audience
):
    source = add_text_source(project, coordinator, narrator_person=narrator, use=use, audiences=audiences)
    theme = do_create_theme(project, name="Waiting", audience=theme_audience, acting_user=coordinator)
    start, end = span_of(source, WORDS)
    quote = do_attach_quote(theme, source, start=start, end=end, acting_user=coordinator)
    assert quote.original_text == WORDS


def test_the_theme_page_offers_only_consented_passages_and_the_action_refuses_the_rest(
    client, project, coordinator, member, narrator, codes
):
    allowed = add_text_source(
        project, coordinator, title="Allowed", narrator_person=narrator, audiences=("team", "public")
    )
    analysis_only = add_text_source(
        project,
        coordinator,
        title="Private",
        use=ConsentUse.ANALYSIS_ONLY,
        narrator_name="Someone",
        audiences=("team",),
    )
    code_words(allowed, codes["waiting"], member, WORDS)
    code_words(analysis_only, codes["waiting"], member, WORDS)
    theme = do_create_theme(
        project, name="Waiting", audience=Audience.PUBLIC, codes=[codes["waiting"]], acting_user=member
    )
    client.force_login(member)
    page = client.get(reverse("sensemaking:theme", args=[project.pk, theme.pk]))
    passages = {p["coding"].source.title: p["refusal"] for p in page.context["passages"]}
    assert passages == {
        "Allowed": None,
        "Private": "The narrator agreed to analysis only: their words cannot be quoted.",
    }
    assert page.content.decode().count("Add as a quote") == 1
    # Posting the refused passage anyway changes nothing: the rule is in the action.
    segment = analysis_only.segments.get(index=1)
    start, end = span_of(analysis_only, WORDS)
    response = client.post(
        reverse("sensemaking:add_quote", args=[project.pk, theme.pk]),
        {"segment": segment.pk, "start": start, "end": end},
        follow=True,
    )
    assert "The narrator agreed to analysis only: their words cannot be quoted." in response.content.decode()
    assert not Quote.objects.filter(source=analysis_only).exists()
    segment = allowed.segments.get(index=1)
    start, end = span_of(allowed, WORDS)
    client.post(
        reverse("sensemaking:add_quote", args=[project.pk, theme.pk]),
        {"segment": segment.pk, "start": start, "end": end},
    )
    assert list(Quote.objects.values_list("source", flat=True)) == [allowed.pk]


def test_a_theme_cannot_widen_its_audience_past_its_quotes_consent(project, coordinator, narrator):
    source = add_text_source(project, coordinator, narrator_person=narrator, audiences=("team",))
    theme = do_create_theme(project, name="Waiting", audience=Audience.TEAM, acting_user=coordinator)
    do_attach_quote(theme, source, start=0, end=10, acting_user=coordinator)
    with pytest.raises(
        SensemakingError, match="1 quote\\(s\\) in this theme may not be shown to public reports"
    ):
        do_edit_theme(
            theme, name="Waiting", description="", audience=Audience.PUBLIC, codes=[], acting_user=coordinator
        )


def test_narrowing_consent_flags_quotes_it_no_longer_covers(project, coordinator, narrator):
    source = add_text_source(project, coordinator, narrator_person=narrator, audiences=("team", "partners"))
    theme = do_create_theme(project, name="Waiting", audience=Audience.PARTNERS, acting_user=coordinator)
    quote = do_attach_quote(theme, source, start=0, end=10, acting_user=coordinator)
    do_change_consent(
        source, ConsentDetails(use=ConsentUse.ANONYMOUS, audiences=("team",)), acting_user=narrator
    )
    flag = Flag.objects.get()
    assert (flag.quote, flag.theme, flag.reason) == (quote, theme, Flag.Reason.CONSENT_CHANGED)
    assert source.events.filter(kind="consent").first().summary == (
        "Consent changed: Quotes used anonymously; for the project team."
    )


def test_narrator_reads_their_own_words_and_changes_consent_themselves(
    client, project, coordinator, outside_narrator
):
    source = add_text_source(project, coordinator, narrator_person=outside_narrator)
    client.force_login(outside_narrator)  # not a member of the project
    page = client.get(reverse("sensemaking:source", args=[project.pk, source.pk]))
    assert page.status_code == 200
    assert "These are your words." in page.content.decode()
    assert "Nobody picked up for forty minutes" in page.content.decode()
    mine = client.get(reverse("sensemaking:my_words"))
    assert source.title in mine.content.decode()
    until = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    response = client.post(
        reverse("sensemaking:consent", args=[project.pk, source.pk]),
        {"consent_use": "anonymous", "consent_audiences": ["team"], "consent_until": until},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.consent_use, source.consent_audiences, source.consent_until.isoformat()) == (
        "anonymous",
        ["team"],
        until,
    )
    # The project's other pages are not theirs to see.
    assert client.get(reverse("sensemaking:codebook", args=[project.pk])).status_code == 404
    assert client.get(reverse("sensemaking:code_source", args=[project.pk, source.pk])).status_code == 404


def test_a_past_end_date_is_refused_next_to_the_field(client, project, coordinator, narrator):
    source = add_text_source(project, coordinator, narrator_person=narrator)
    client.force_login(narrator)
    response = client.post(
        reverse("sensemaking:consent", args=[project.pk, source.pk]),
        {"consent_use": "anonymous", "consent_audiences": ["team"], "consent_until": "2001-01-01"},
    )
    assert response.status_code == 400
    assert "Choose a date that has not passed yet." in response.content.decode()


def test_narrator_adds_a_note_and_asks_for_a_correction_and_sees_the_answer(
    client, project, coordinator, facilitator, narrator, codes, member
):
    source = add_text_source(project, coordinator, narrator_person=narrator)
    coding = code_words(source, codes["kindness"], member, "He stayed on the phone until the sun came up.")
    client.force_login(narrator)
    pid, sid = project.pk, source.pk
    client.post(
        reverse("sensemaking:add_note", args=[pid, sid]),
        {"note-text": "This was in 2019, before the new line."},
    )
    client.post(
        reverse("sensemaking:request_correction", args=[pid, sid]),
        {
            "correction-passage": "A nurse called Joe",
            "correction-requested_change": "It was a nurse called Jo.",
        },
    )
    correction = CorrectionRequest.objects.get()
    assert correction.status == CorrectionRequest.Status.OPEN

    # Members may not answer; a facilitator may, and must say what to replace.
    client.force_login(member)
    assert client.get(reverse("sensemaking:correction", args=[pid, correction.pk])).status_code == 404
    client.force_login(facilitator)
    response = client.post(
        reverse("sensemaking:correction", args=[pid, correction.pk]),
        {
            "apply": "1",
            "apply-words": "called Joe",
            "apply-replacement": "called Jo",
            "apply-response": "Fixed, sorry.",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert "A nurse called Jo was kind." in source.text
    coding.refresh_from_db()
    assert coding.text == "He stayed on the phone until the sun came up."  # codings follow the words

    client.force_login(narrator)
    page = client.get(reverse("sensemaking:source", args=[pid, sid])).content.decode()
    assert "This was in 2019, before the new line." in page
    assert "Corrected" in page and "Fixed, sorry." in page
    assert "“called Joe” became “called Jo”" in page
    kinds = list(
        SourceEvent.objects.filter(source=source).order_by("occurred_at", "id").values_list("kind", flat=True)
    )
    assert kinds == ["added", "consent", "note", "correction", "corrected"]


def test_a_correction_to_words_that_appear_twice_asks_for_more_context(
    client, project, coordinator, facilitator, narrator
):
    source = add_text_source(project, coordinator, narrator_person=narrator)
    client.force_login(narrator)
    client.post(
        reverse("sensemaking:request_correction", args=[project.pk, source.pk]),
        {"correction-passage": "Maya", "correction-requested_change": "Use my pseudonym"},
    )
    correction = CorrectionRequest.objects.get()
    client.force_login(facilitator)
    response = client.post(
        reverse("sensemaking:correction", args=[project.pk, correction.pk]),
        {"apply": "1", "apply-words": "up", "apply-replacement": "M:"},
    )
    assert response.status_code == 400
    assert "These words appear 2 times. Include some of the words around them so there is only one." in (
        response.content.decode()
    )
    response = client.post(
        reverse("sensemaking:correction", args=[project.pk, correction.pk]),
        {"decline": "1", "decline-response": "Speakers are replaced by pseudonyms in every quote already."},
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.DECLINED


def test_only_the_narrator_adds_notes_or_asks_for_corrections(client, project, coordinator, narrator, member):
    source = add_text_source(project, coordinator, narrator_person=narrator)
    client.force_login(member)
    assert (
        client.post(
            reverse("sensemaking:add_note", args=[project.pk, source.pk]), {"note-text": "Not mine to add"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("sensemaking:request_correction", args=[project.pk, source.pk]),
            {"correction-passage": "x", "correction-requested_change": "y"},
        ).status_code
        == 404
    )
    assert not source.notes.exists() and not source.corrections.exists()
